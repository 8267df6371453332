//! Reading a CA certificate file (`--ca-cert`, `GLAIR_CA_CERT`): regular files only, bounded.
//!
//! A certificate path is the user's, but it may be a mistake (`/dev/zero`, a FIFO left by a
//! script): reading must neither block for ever nor grow without bound. So the path's
//! metadata is checked before the file is opened (opening a FIFO for reading blocks until a
//! writer comes), again on the opened file, and the read stops one byte past
//! [`MAX_CA_CERT_BYTES`].

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

/// The largest CA certificate file read: 4 MiB. A whole public trust store (Mozilla's, about
/// 150 certificates) is about 220 KB of PEM; a private CA's chain is a few KB.
pub(crate) const MAX_CA_CERT_BYTES: u64 = 4 * 1024 * 1024;

/// The file's bytes, or why it cannot be used (one line, naming neither the path nor the
/// contents: the caller names the path).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, String> {
    read_bounded(path, MAX_CA_CERT_BYTES)
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let regular = |metadata: &std::fs::Metadata| {
        if metadata.is_file() {
            Ok(())
        } else if metadata.is_dir() {
            Err("it is a directory, not a file".to_owned())
        } else {
            Err("it is not a regular file (a FIFO, socket or device)".to_owned())
        }
    };
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = File::open(path).map_err(|e| e.to_string())?;
    let metadata = file.metadata().map_err(|e| e.to_string())?;
    regular(&metadata)?;
    let too_large = || format!("it is larger than the limit for a certificate file, {limit} bytes");
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // One byte past the limit tells "at the limit" from "more" (a file that grew meanwhile).
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_bound_are_read() {
        let dir = std::env::temp_dir().join(format!("glair-cli-cert-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("ca.pem");
        std::fs::write(&small, b"0123456789").unwrap();
        assert_eq!(read_bounded(&small, 10).unwrap(), b"0123456789");
        let err = read_bounded(&small, 9).unwrap_err();
        assert!(err.contains("larger than the limit"), "{err}");
        assert!(read(&dir).unwrap_err().contains("directory"));
        #[cfg(unix)]
        {
            let err = read(Path::new("/dev/zero")).unwrap_err();
            assert!(err.contains("not a regular file"), "{err}");
            let fifo = dir.join("fifo.pem");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if !made.is_ok_and(|s| s.success()) {
                panic!("mkfifo could not be run");
            }
            // Would block for ever if it were opened.
            let err = read(&fifo).unwrap_err();
            assert!(err.contains("not a regular file"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
