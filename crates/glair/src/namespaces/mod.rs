//! The namespaces of the uploads API, mirroring the vendor SDKs': [`Face`] (`faceBio`),
//! [`Identity`] (`identity`) and [`Ocr`] (`ocr`).
//!
//! Each is one generic handle over its client: `Face<glair::Client>` awaits,
//! `Face<glair::blocking::Client>` (`glair::blocking::Face`) blocks. The handle type, its
//! settings and every method are declared once here and in the three files below; the
//! [`endpoint_methods!`] macro writes each method for both clients from one list, and both end
//! in the clients' one call path ([`crate::call`]).

mod face;
mod identity;
mod ocr;

pub use face::Face;
pub use identity::Identity;
pub use ocr::Ocr;

/// Declares a namespace handle: the struct, `new`, `with_settings`, `settings`, `Clone` and
/// a `Debug` that shows the settings (which redact credentials) and nothing of the client's
/// secrets.
macro_rules! namespace_handle {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub struct $name<C = crate::Client> {
            client: C,
            settings: crate::Settings,
        }

        impl<C: Clone> Clone for $name<C> {
            fn clone(&self) -> Self {
                Self {
                    client: self.client.clone(),
                    settings: self.settings.clone(),
                }
            }
        }

        impl<C> ::std::fmt::Debug for $name<C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("settings", &self.settings)
                    .finish_non_exhaustive()
            }
        }

        impl<C> $name<C> {
            pub(crate) fn new(client: C) -> Self {
                Self {
                    client,
                    settings: crate::Settings::default(),
                }
            }

            /// The same handle with its own [`Settings`](crate::Settings) (credentials, base
            /// URL, API version, timeouts, retries) for every call made through it, merged
            /// field by field over the client's (see [`Settings`](crate::Settings#merge)).
            #[must_use]
            pub fn with_settings(mut self, settings: crate::Settings) -> Self {
                self.settings = settings;
                self
            }

            /// This handle's own settings (empty unless `with_settings` was used).
            pub fn settings(&self) -> &crate::Settings {
                &self.settings
            }
        }
    };
}
pub(crate) use namespace_handle;

/// The accessors of the three namespaces, the same on both clients (`impl Client {
/// namespace_accessors!(); }`).
macro_rules! namespace_accessors {
    () => {
        /// Face biometrics on uploaded images: face match, passive and active liveness (the
        /// vendor SDKs' `faceBio`).
        pub fn face(&self) -> crate::namespaces::Face<Self> {
            crate::namespaces::Face::new(self.clone())
        }

        /// Dukcapil identity verification, with and without a face photo (the vendor SDKs'
        /// `identity`).
        pub fn identity(&self) -> crate::namespaces::Identity<Self> {
            crate::namespaces::Identity::new(self.clone())
        }

        /// OCR of every document GLAIR reads: KTP, NPWP, KK, STNK, BPKB, passport, … (the
        /// vendor SDKs' `ocr`).
        pub fn ocr(&self) -> crate::namespaces::Ocr<Self> {
            crate::namespaces::Ocr::new(self.clone())
        }
    };
}
pub(crate) use namespace_accessors;

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
        impl $handle<crate::Client> {
            $(
                $(#[$meta])*
                pub async fn $name(
                    &self,
                    $arg: $arg_ty,
                ) -> Result<glair_types::Decoded<$model>, crate::Error> {
                    let request = $build;
                    self.client.call(&request, &self.settings, None).await
                }
            )+
        }

        #[cfg(feature = "blocking-client")]
        impl $handle<crate::blocking::Client> {
            $(
                $(#[$meta])*
                #[allow(clippy::needless_pass_by_value)] // by value, like the async twin
                pub fn $name(
                    &self,
                    $arg: $arg_ty,
                ) -> Result<glair_types::Decoded<$model>, crate::Error> {
                    let request = $build;
                    self.client.call(&request, &self.settings, None)
                }
            )+
        }
    };
}
pub(crate) use endpoint_methods;
