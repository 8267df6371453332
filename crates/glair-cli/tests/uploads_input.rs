//! The upload commands refuse bad input before anything is sent: exit 2 and one line naming
//! the option, the file or the field. The server given is a closed port, so a command that
//! sent anything would fail with exit 1 instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_glair");
const NIK: &str = "3171234567890123";

/// A scratch folder with a few files, removed afterwards.
struct Files(PathBuf);

impl Files {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("glair-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in [
            ("ok.jpg", &b"\xFF\xD8\xFF\xE0 a jpeg"[..]),
            ("scan.pdf", b"%PDF-1.7 a pdf"),
            ("anim.gif", b"GIF89a..."),
            ("empty.png", b""),
        ] {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with credentials and an unreachable loopback server.
fn glair(args: &[&str]) -> Output {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Command::new(BIN)
        .env_clear()
        .env("GLAIR_API_KEY", "k")
        .env("GLAIR_USERNAME", "u")
        .env("GLAIR_PASSWORD", "p")
        .env("GLAIR_BASE_URL", format!("http://127.0.0.1:{port}"))
        .args(args)
        .output()
        .unwrap()
}

/// Asserts exit 2, nothing on stdout, and one stderr line holding every one of `needles`.
fn refused(args: &[&str], needles: &[&str]) {
    let out = glair(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("glair: "), "{first}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {needle:?} not in {stderr}"
        );
    }
}

/// `identity verification` with these NIK and date of birth.
fn base(nik: &'static str, date: &'static str) -> Vec<&'static str> {
    vec![
        "identity",
        "verification",
        "--nik",
        nik,
        "--name",
        "BUDI",
        "--date-of-birth",
        date,
    ]
}

#[test]
fn files_that_cannot_be_uploaded_are_refused_naming_the_option_and_the_path() {
    let f = Files::new("files");
    let (ok, pdf, gif, empty) = (
        f.path("ok.jpg"),
        f.path("scan.pdf"),
        f.path("anim.gif"),
        f.path("empty.png"),
    );
    let missing = f.path("missing.jpg");
    refused(
        &["ocr", "ktp", "--image", &missing],
        &["--image", &missing, "no such file"],
    );
    refused(&["ocr", "ktp", "--image", &gif], &["--image", &gif, "GIF"]);
    refused(&["ocr", "kk", "--image", &empty], &[&empty, "empty"]);
    refused(
        &["ocr", "ktp", "--image", &pdf],
        &[&pdf, "PDF", "KTP OCR", "JPEG or PNG"],
    );
    refused(
        &["ocr", "ktp", "--image", &f.0.display().to_string()],
        &["directory"],
    );
    refused(
        &["face", "match", "--captured", &ok, "--stored", &pdf],
        &["--stored", &pdf, "PDF"],
    );
    refused(
        &["face", "passive-liveness", "--image", &gif],
        &["--image", "GIF"],
    );
    refused(
        &[
            &["identity", "face-verification"],
            &base(NIK, "17-08-1990")[2..],
            &["--face-image", &pdf],
        ]
        .concat(),
        &["--face-image", "PDF"],
    );
}

#[test]
fn a_large_file_is_refused_before_it_is_read_in_full() {
    let f = Files::new("large");
    let path = f.0.join("big.jpg");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: 11 MiB on the file system's books, nothing on disk.
    file.set_len(11 * 1024 * 1024).unwrap();
    refused(
        &["ocr", "npwp", "--image", &path.display().to_string()],
        &["10 MiB", "11534336 bytes"],
    );
}

#[test]
fn pdfs_pass_where_the_document_takes_them() {
    let f = Files::new("pdf");
    let pdf = f.path("scan.pdf");
    // Accepted locally, so the command goes on to send and fails on the closed port: exit 1.
    for doc in [
        "npwp",
        "bpkb",
        "general-document",
        "invoice",
        "receipt",
        "bank-statement",
        "skpr",
        "financial-statement",
    ] {
        let out = glair(&["ocr", doc, "--image", &pdf]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{doc}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn identity_fields_are_checked_before_sending() {
    let dob = ["--date-of-birth", "17-08-1990"];
    refused(&base("12345", dob[1]), &["nik", "16 digits"]);
    refused(&base(NIK, "1990-08-17"), &["date_of_birth", "dd-mm-yyyy"]);
    refused(&base(NIK, "31-02-1990"), &["date_of_birth"]);
    let mut with_kk = base(NIK, dob[1]);
    with_kk.extend(["--no-kk", "123"]);
    refused(&with_kk, &["no_kk", "16 digits"]);
    refused(
        &["identity", "verification", "--nik", NIK, "--name", "BUDI"],
        &["--date-of-birth"],
    );
}

#[test]
fn gesture_codes_pages_and_missing_options_are_usage_errors() {
    let f = Files::new("usage");
    let ok = f.path("ok.jpg");
    refused(
        &[
            "face",
            "active-liveness",
            "--image",
            &ok,
            "--gesture-code",
            "WINK",
        ],
        &["gesture", "HEAD_LEFT"],
    );
    refused(
        &["face", "active-liveness", "--image", &ok],
        &["--gesture-code"],
    );
    refused(&["ocr", "bpkb", "--image", &ok, "--page", "5"], &["--page"]);
    refused(&["face", "match", "--captured", &ok], &["--stored"]);
    refused(&["ocr", "ktm", "--image", &ok], &["ktm"]);
}

#[test]
fn help_documents_the_families_the_checks_and_the_exit_codes() {
    let out = glair(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "face",
        "identity",
        "ocr",
        "billed",
        "10 MiB",
        "\"verified\"",
        "Exit status",
    ] {
        assert!(help.contains(needle), "{needle:?} not in --help");
    }
    for args in [
        ["ocr", "--help"],
        ["face", "--help"],
        ["identity", "--help"],
    ] {
        let out = glair(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
    let out = glair(&["ocr", "ktp", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("--qualities") && help.contains("--image <FILE>"),
        "{help}"
    );
}

#[test]
fn personal_data_is_not_logged() {
    let out = Command::new(BIN)
        .env_clear()
        .env("GLAIR_API_KEY", "k")
        .env("GLAIR_USERNAME", "u")
        .env("GLAIR_PASSWORD", "p")
        .env("GLAIR_BASE_URL", "http://127.0.0.1:9")
        .env("RUST_LOG", "trace")
        .args([
            "identity",
            "verification",
            "--nik",
            NIK,
            "--name",
            "SITI AMINAH",
            "--date-of-birth",
            "17-08-1990",
            "--timeout",
            "2s",
        ])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(NIK) && !all.contains("SITI AMINAH"), "{all}");
}
