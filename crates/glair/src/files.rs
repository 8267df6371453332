//! Images from files: [`read_image`], the facade's one piece of file I/O (the types crate has
//! none).
//!
//! # Why one blocking function, for async code too
//!
//! The read is bounded by [`MAX_IMAGE_BYTES`] (10 MiB), so on a local disk it takes
//! milliseconds: far less than the upload that follows. An async variant would tie the
//! facade to one runtime's file API (tokio's `fs` runs `std::fs` on a thread pool anyway) and
//! would not exist in builds without tokio, which this crate supports. So there is one
//! function, usable from any runtime or none. On slow storage (a network mount), move it off
//! the async threads yourself, e.g. `tokio::task::spawn_blocking(move || glair::read_image(path))`.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use glair_types::{Detected, ImageFormat, ImageInput, MAX_FILE_NAME_LEN, MAX_IMAGE_BYTES, sniff};

use crate::error::Error;

/// Reads an image (or a PDF or TIFF document) to upload from `path`.
///
/// Refused, with an [`Error::File`] naming the path and the problem: a missing or unreadable
/// file, anything that is not a regular file (a directory, a FIFO, a socket, a device such as
/// `/dev/stdin` or `/dev/zero`: checked from the path's metadata *before* the file is opened,
/// so a FIFO with no writer cannot block the call, and again on the opened file), a file
/// larger than [`MAX_IMAGE_BYTES`] (checked from the file's size before reading, and again
/// while reading, so a file that grows is never read past the limit), an empty file, and a file that is no format GLAIR accepts
/// anywhere (GIF, WebP, HEIC, text, …; detected from the bytes, never from the name). Whether
/// the endpoint takes this particular format (a PDF is fine for NPWP, not for KTP) is checked
/// when the request is built, naming the field and the endpoint.
///
/// The file's name (its last component only) is kept as the upload's `filename`. A name that
/// cannot be sent as is — not valid UTF-8, or longer than
/// [`MAX_FILE_NAME_LEN`](glair_types::MAX_FILE_NAME_LEN) bytes — is replaced by
/// [`substitute_filename`]'s safe name (`upload.jpg`, `upload.png`, `upload.pdf` or
/// `upload.tiff`, by the format read from the bytes), so that every file this process can
/// open is uploadable.
///
/// ```no_run
/// let ktp = glair::read_image("scans/ktp.jpg")?;
/// assert_eq!(ktp.filename(), Some("ktp.jpg"));
/// # Ok::<(), glair::Error>(())
/// ```
pub fn read_image(path: impl AsRef<Path>) -> Result<ImageInput, Error> {
    let path = path.as_ref();
    read_bounded(path, MAX_IMAGE_BYTES).map_err(|problem| {
        Error::File(FileError {
            path: path.to_path_buf(),
            problem,
        })
    })
}

fn read_bounded(path: &Path, limit: usize) -> Result<ImageInput, FileProblem> {
    // Look before opening: opening a FIFO for reading blocks until a writer comes.
    let before = std::fs::metadata(path).map_err(FileProblem::from_io)?;
    check_regular(&before)?;
    let file = File::open(path).map_err(FileProblem::from_io)?;
    // And again on what was opened, in case the path changed in between.
    let metadata = file.metadata().map_err(FileProblem::from_io)?;
    check_regular(&metadata)?;
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    if metadata.len() > limit_u64 {
        return Err(FileProblem::TooLarge {
            size: Some(metadata.len()),
            limit,
        });
    }
    let expected = usize::try_from(metadata.len()).unwrap_or(limit).min(limit);
    let mut bytes = Vec::with_capacity(expected);
    // One byte past the limit tells "exactly at the limit" from "more".
    file.take(limit_u64.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileProblem::from_io)?;
    if bytes.len() > limit {
        return Err(FileProblem::TooLarge { size: None, limit });
    }
    let format = match sniff(&bytes) {
        Detected::Known(format) => format,
        Detected::Empty => return Err(FileProblem::Empty),
        other => return Err(FileProblem::Unaccepted(other)),
    };
    let image = ImageInput::from_bytes(bytes);
    Ok(match path.file_name() {
        Some(name) => {
            let sendable = name.to_str().filter(|name| name.len() <= MAX_FILE_NAME_LEN);
            match sendable {
                Some(name) => image.with_filename(name),
                None => image.with_filename(substitute_filename(format)),
            }
        }
        None => image,
    })
}

/// Refuses anything but a regular file (symbolic links are followed by the metadata calls).
fn check_regular(metadata: &std::fs::Metadata) -> Result<(), FileProblem> {
    let kind = metadata.file_type();
    if kind.is_file() {
        Ok(())
    } else if kind.is_dir() {
        Err(FileProblem::NotAFile)
    } else {
        Err(FileProblem::NotARegularFile)
    }
}

/// The file name [`read_image`] sends for a file whose own name cannot be sent (not UTF-8, or
/// longer than [`MAX_FILE_NAME_LEN`] bytes): `upload.` and the extension of the detected
/// format. GLAIR's docs say nothing about the name; what the service may look at is the
/// extension, and this one always matches the bytes.
pub fn substitute_filename(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "upload.jpg",
        ImageFormat::Png => "upload.png",
        ImageFormat::Pdf => "upload.pdf",
        ImageFormat::Tiff => "upload.tiff",
        // `ImageFormat` is non-exhaustive: a format added later gets no extension rather than
        // a wrong one (the bytes still say what it is).
        _ => "upload",
    }
}

/// A file that could not be used as an upload: which file, and why.
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    problem: FileProblem,
}

impl FileError {
    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &FileProblem {
        &self.problem
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            FileProblem::Unreadable(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a file could not be used as an upload.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileProblem {
    /// No file at that path.
    NotFound,
    /// The file exists but this process may not read it.
    PermissionDenied,
    /// The path is a directory.
    NotAFile,
    /// The path is not a regular file: a FIFO, a socket or a device (refused before it is
    /// opened, so that reading can neither block nor run without end).
    NotARegularFile,
    /// Larger than the limit.
    TooLarge {
        /// The file's size, when it was known before reading.
        size: Option<u64>,
        /// The limit, [`MAX_IMAGE_BYTES`].
        limit: usize,
    },
    /// The file is empty.
    Empty,
    /// The bytes are no format GLAIR accepts on any endpoint.
    Unaccepted(Detected),
    /// Any other I/O error while opening or reading.
    Unreadable(io::Error),
}

impl FileProblem {
    fn from_io(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => Self::NotFound,
            io::ErrorKind::PermissionDenied => Self::PermissionDenied,
            io::ErrorKind::IsADirectory => Self::NotAFile,
            _ => Self::Unreadable(e),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("no such file"),
            Self::PermissionDenied => f.write_str("permission denied"),
            Self::NotAFile => f.write_str("is a directory, not a file"),
            Self::NotARegularFile => f.write_str(
                "is not a regular file (a FIFO, socket or device); save the image to a file first",
            ),
            Self::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "is {size} bytes; the SDK's limit for an upload is {limit} bytes (10 MiB)"
            ),
            Self::TooLarge { size: None, limit } => write!(
                f,
                "is larger than the SDK's limit for an upload, {limit} bytes (10 MiB)"
            ),
            Self::Empty => f.write_str("is empty"),
            Self::Unaccepted(found) => write!(
                f,
                "is {found}; GLAIR accepts JPEG and PNG images (and PDF or TIFF for some \
                 documents)"
            ),
            Self::Unreadable(e) => write!(f, "could not be read: {e}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "glair-files-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn problem(path: &Path) -> FileProblem {
        match read_image(path).unwrap_err() {
            Error::File(e) => {
                assert_eq!(e.path(), path);
                assert!(e.to_string().starts_with(&path.display().to_string()));
                e.problem
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_an_image_and_keeps_its_name() {
        let dir = TempDir::new("ok");
        let path = dir.file("ktp.jpg", b"\xFF\xD8\xFF\xE0 jpeg");
        let image = read_image(&path).unwrap();
        assert_eq!(image.filename(), Some("ktp.jpg"));
        assert_eq!(image.bytes().as_ref(), b"\xFF\xD8\xFF\xE0 jpeg");
        let pdf = read_image(dir.file("scan.pdf", b"%PDF-1.7 ...")).unwrap();
        assert_eq!(pdf.format(), Some(glair_types::ImageFormat::Pdf));
    }

    #[test]
    fn refusals_name_the_path_and_the_problem() {
        let dir = TempDir::new("refused");
        assert!(matches!(
            problem(&dir.0.join("missing.jpg")),
            FileProblem::NotFound
        ));
        assert!(matches!(problem(&dir.0), FileProblem::NotAFile));
        assert!(matches!(
            problem(&dir.file("empty.jpg", b"")),
            FileProblem::Empty
        ));
        let gif = problem(&dir.file("anim.jpg", b"GIF89a...."));
        assert!(matches!(
            gif,
            FileProblem::Unaccepted(Detected::Other("GIF"))
        ));
        assert!(gif.to_string().contains("GIF"), "{gif}");
        assert!(matches!(
            problem(&dir.file("notes.png", b"hello")),
            FileProblem::Unaccepted(Detected::Unrecognised)
        ));
    }

    #[test]
    fn the_size_limit_holds_before_and_while_reading() {
        let dir = TempDir::new("large");
        let mut big = b"\xFF\xD8\xFF".to_vec();
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        let path = dir.file("big.jpg", &big);
        let found = problem(&path);
        assert!(
            matches!(found, FileProblem::TooLarge { size: Some(s), .. } if s == big.len() as u64),
            "{found:?}"
        );
        // Exactly at the limit is accepted.
        big.truncate(MAX_IMAGE_BYTES);
        assert_eq!(
            read_image(dir.file("at.jpg", &big)).unwrap().len(),
            MAX_IMAGE_BYTES
        );
        // The limit is the one given (the size is known up front here: 15 bytes).
        let small = dir.file("small.jpg", b"\xFF\xD8\xFF\xE0 0123456789");
        assert!(matches!(
            read_bounded(&small, 8),
            Err(FileProblem::TooLarge {
                size: Some(15),
                limit: 8
            })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        // /dev/zero is endless and reports size 0: refused before it is opened.
        assert!(matches!(
            problem(Path::new("/dev/zero")),
            FileProblem::NotARegularFile
        ));
        // A FIFO with no writer: opening it for reading would block for ever.
        let dir = TempDir::new("fifo");
        let fifo = dir.0.join("image.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            // mkfifo is part of POSIX and of every CI image; say so loudly if it is missing.
            panic!("mkfifo could not be run");
        }
        let found = problem(&fifo);
        assert!(matches!(found, FileProblem::NotARegularFile), "{found:?}");
        assert!(found.to_string().contains("not a regular file"), "{found}");
    }

    #[test]
    fn a_name_that_cannot_be_sent_gets_a_safe_substitute() {
        let dir = TempDir::new("names");
        let jpeg = b"\xFF\xD8\xFF\xE0 jpeg";
        // The longest name most file systems allow, in 4-byte UTF-8 characters: 252 bytes.
        let long_ok = format!("{}.jpg", "\u{1F600}".repeat(62));
        assert!(long_ok.len() <= MAX_FILE_NAME_LEN);
        let image = read_image(dir.file(&long_ok, jpeg)).unwrap();
        assert_eq!(image.filename(), Some(long_ok.as_str()));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            // 255 bytes that are not UTF-8: the real name cannot be sent.
            let name = std::ffi::OsStr::from_bytes(&[0xFF; 255]);
            let path = dir.0.join(name);
            std::fs::write(&path, b"\x89PNG\r\n\x1a\n....").unwrap();
            let image = read_image(&path).unwrap();
            assert_eq!(image.filename(), Some("upload.png"));
            // And it encodes into a request body.
            let form = glair_types::MultipartForm::new().file(
                "image",
                image.filename().unwrap(),
                "image/png",
                image.bytes().clone(),
            );
            assert!(form.encode().is_ok());
        }
        assert_eq!(substitute_filename(ImageFormat::Jpeg), "upload.jpg");
        assert_eq!(substitute_filename(ImageFormat::Tiff), "upload.tiff");
    }
}
