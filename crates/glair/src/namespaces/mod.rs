//! The namespaces of the uploads API, mirroring the vendor SDKs': [`Face`] (`faceBio`),
//! [`Identity`] (`identity`) and [`Ocr`] (`ocr`).
//!
//! Each is one generic handle over its driver: `Face` (`Face<Dispatcher>`) awaits,
//! `glair::blocking::Face` (`Face<BlockingDispatcher>`) blocks. The handle type, its
//! settings and every method are declared once here and in the three files below; the
//! [`endpoint_methods!`] macro writes each method for both clients from one list, and both end
//! in the clients' one call path ([`crate::call`]).

mod face;
mod identity;
mod ocr;

pub use face::Face;
pub use identity::Identity;
pub use ocr::Ocr;

/// Declares a namespace handle: the struct (one type for both clients, generic over the
/// driver), `new`, `with_settings`, `settings`, `Clone` and a `Debug` that shows the settings
/// (which redact credentials) and nothing of the client's secrets.
macro_rules! namespace_handle {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub struct $name<D = glair_core::Dispatcher> {
            handle: crate::handle::Handle<D>,
        }

        impl<D> Clone for $name<D> {
            fn clone(&self) -> Self {
                Self {
                    handle: self.handle.clone(),
                }
            }
        }

        impl<D> ::std::fmt::Debug for $name<D> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("settings", self.handle.settings())
                    .finish_non_exhaustive()
            }
        }

        impl<D> $name<D> {
            pub(crate) fn new(client: crate::client::GenericClient<D>) -> Self {
                Self {
                    handle: crate::handle::Handle::new(client),
                }
            }

            /// The same handle with its own [`Settings`](crate::Settings) (credentials, base
            /// URL, API version, timeouts, retries) for every call made through it, merged
            /// field by field over the client's (see [`Settings`](crate::Settings#merge))
            /// once, here; a problem with them is reported by each call.
            #[must_use]
            pub fn with_settings(self, settings: crate::Settings) -> Self {
                Self {
                    handle: self.handle.with_settings(settings),
                }
            }

            /// This handle's own settings (empty unless `with_settings` was used).
            pub fn settings(&self) -> &crate::Settings {
                self.handle.settings()
            }
        }
    };
}
pub(crate) use namespace_handle;

/// Writes each listed method twice from one declaration: `async` on the handle over
/// [`crate::Client`], blocking on the handle over `glair::blocking::Client`. An entry reads
///
/// ```text
/// /// docs
/// fn name(argument: Type) -> Model => expression building the request from `argument`;
/// ```
///
/// and the method sends that request through the client's one call path, returning the
/// [`Decoded`](glair_types::Decoded) model.
macro_rules! endpoint_methods {
    ($handle:ident { $( $(#[$meta:meta])* fn $name:ident($arg:ident: $arg_ty:ty) -> $model:ty => $build:expr; )+ }) => {
        impl $handle {
            $(
                $(#[$meta])*
                pub async fn $name(
                    &self,
                    $arg: $arg_ty,
                ) -> Result<glair_types::Decoded<$model>, crate::Error> {
                    let request = $build;
                    self.handle.call(&request, None).await
                }
            )+
        }

        #[cfg(feature = "blocking")]
        impl $handle<glair_core::BlockingDispatcher> {
            $(
                $(#[$meta])*
                #[allow(clippy::needless_pass_by_value)] // by value, like the async twin
                pub fn $name(
                    &self,
                    $arg: $arg_ty,
                ) -> Result<glair_types::Decoded<$model>, crate::Error> {
                    let request = $build;
                    self.handle.call(&request, None)
                }
            )+
        }
    };
}
pub(crate) use endpoint_methods;
