//! Benchmarks of the upload path: what building a multipart request costs next to copying
//! its bytes once, for the largest request the SDK builds (a face match of two images).
//!
//! Run with `cargo bench -p glair-types --bench uploads`.
//!
//! Groups and ids:
//! - `face_match_2x5MiB`: `glair_types` (`FaceMatch` of two 5 MiB JPEGs: sniffing, checks,
//!   boundary derivation and collision check, encoding, the `http::Request`), `encode_only`
//!   (`MultipartForm::encode` of the same two parts), `memcpy` (the two images copied into
//!   one buffer: the floor).
//! - `ocr_ktp_200KiB`: `glair_types` (a KTP OCR request of a typical 200 KiB photo).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use glair_types::ocr::{OcrRequest, doc};
use glair_types::{ApiConfig, Credentials, EndpointRequest, FaceMatch, ImageInput, MultipartForm};

/// A JPEG-looking image of `len` bytes whose content varies (so the boundary search cannot
/// skip through a run of one byte).
fn image(len: usize) -> Bytes {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut x: u32 = 0x1234_5678;
    bytes.extend((4..len).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x.to_le_bytes()[0]
    }));
    Bytes::from(bytes)
}

fn benches(c: &mut Criterion) {
    let config = ApiConfig::default();
    let credentials = Credentials::new("bench-key", "bench-user", "bench-pass").unwrap();
    let (a, b) = (image(5 * 1024 * 1024), image(5 * 1024 * 1024 + 7));

    let mut group = c.benchmark_group("face_match_2x5MiB");
    group.throughput(Throughput::Bytes((a.len() + b.len()) as u64));
    group.bench_function("glair_types", |bench| {
        bench.iter(|| {
            let request = FaceMatch::new(
                ImageInput::from_bytes(a.clone()),
                ImageInput::from_bytes(b.clone()),
            );
            black_box(request.to_http_request(&config, &credentials).unwrap())
        });
    });
    group.bench_function("encode_only", |bench| {
        bench.iter(|| {
            let form = MultipartForm::new()
                .file("captured_image", "image.jpg", "image/jpeg", a.clone())
                .file("stored_image", "image.jpg", "image/jpeg", b.clone());
            black_box(form.encode().unwrap())
        });
    });
    group.bench_function("memcpy", |bench| {
        bench.iter(|| {
            let mut out = Vec::with_capacity(a.len() + b.len());
            out.extend_from_slice(&a);
            out.extend_from_slice(&b);
            black_box(out)
        });
    });
    group.finish();

    let photo = image(200 * 1024);
    let mut group = c.benchmark_group("ocr_ktp_200KiB");
    group.throughput(Throughput::Bytes(photo.len() as u64));
    group.bench_function("glair_types", |bench| {
        bench.iter(|| {
            let request = OcrRequest::<doc::Ktp>::new(ImageInput::from_bytes(photo.clone()));
            black_box(request.to_http_request(&config, &credentials).unwrap())
        });
    });
    group.finish();
}

criterion_group! {
    name = uploads;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1)).sample_size(20);
    targets = benches
}
criterion_main!(uploads);
