//! A local emulator of GLAIR Vision: its hosted identity sessions and their web pages, and its
//! direct face, identity and OCR endpoints.
//!
//! `glair-emulator` is a real HTTP/1.1 server (hyper, keep-alive, no web framework) that speaks
//! the same wire protocol as `https://api.vision.glair.ai` for the four hosted session kinds
//! and for every other endpoint of the API (face match, passive and active liveness, identity
//! verification with and without a face, OCR of 19 documents: see
//! [Vision endpoints](#vision-endpoints)), serves the "prebuilt web page" that a session's `url`
//! points at, and adds a small set of
//! control endpoints so tests can finish sessions, move the clock, inject faults and read
//! counters — all over loopback, with no network.
//!
//! It is both a library ([`Emulator`], [`EmulatorConfig`]) and a binary (`glair-emulator`).
//!
//! # Quick start
//!
//! ```no_run
//! use glair_emulator::{Emulator, EmulatorConfig, Outcome};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = Emulator::start(EmulatorConfig::new().outcome(Outcome::Spoof)).await?;
//! let base = emulator.base_url(); // "http://127.0.0.1:PORT" — point the SDK here
//! // ... create sessions with emulator.api_key(), emulator.username(), emulator.password() ...
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The binary: `glair-emulator [--addr 127.0.0.1:8080] [--api-key K] [--username U]
//! [--password P] [--outcome live|spoof|no-face|moderate|many-faces] [--public-url URL] [--max-sessions N]
//! [--expired-retention-ms MS] [--body-read-timeout-ms MS] [--max-connections N]` (the limits
//! are described under [Lifetime and limits](#lifetime-and-limits)). It prints exactly one line,
//! `listening on http://HOST:PORT`, to stdout once it is bound (`--addr 127.0.0.1:0` picks a free
//! port), and serves until Ctrl-C or SIGTERM, then shuts down gracefully. Each flag can also come
//! from the environment (`GLAIR_EMULATOR_ADDR`, `GLAIR_EMULATOR_API_KEY`,
//! `GLAIR_EMULATOR_USERNAME`, `GLAIR_EMULATOR_PASSWORD`, `GLAIR_EMULATOR_OUTCOME`,
//! `GLAIR_EMULATOR_PUBLIC_URL`, `GLAIR_EMULATOR_MAX_SESSIONS`,
//! `GLAIR_EMULATOR_EXPIRED_RETENTION_MS`, `GLAIR_EMULATOR_BODY_READ_TIMEOUT_MS`,
//! `GLAIR_EMULATOR_MAX_CONNECTIONS`).
//!
//! # HTTPS
//!
//! `--tls` serves HTTPS with a self-signed certificate for `localhost`, `127.0.0.1` and `::1`
//! generated at start (`--tls-cert-out PATH` writes it as PEM before the `listening on
//! https://HOST:PORT` line, for clients to trust); `--tls-cert PATH --tls-key PATH` serve a
//! given certificate chain and key instead. HTTP/2 and HTTP/1.1 are offered by ALPN (HTTP/1.1
//! for clients without ALPN); the TLS handshake must finish within 10 s. In the library:
//! [`EmulatorConfig::tls`] with [`EmulatorTls`], and [`Emulator::certificate_pem`].
//!
//! # Credentials
//!
//! Every API and control request must carry both `x-api-key: <api key>` and
//! `Authorization: Basic base64(username:password)`. Unless configured otherwise the emulator
//! accepts exactly the documented test credentials [`DEFAULT_API_KEY`], [`DEFAULT_USERNAME`] and
//! [`DEFAULT_PASSWORD`]; with [`EmulatorConfig::credentials`] (or the `--api-key`, `--username`,
//! `--password` flags, each overriding its own default) it accepts only those. A failure is
//! `401` with GLAIR's body `{"error": "Access to this API has been disallowed"}`; the
//! `x-emulator-auth-problem` header says whether the API key is missing or invalid, or the
//! Basic credentials are missing, malformed or wrong. Secrets are never echoed in bodies or
//! logs.
//! Hosted pages need no credentials: the unguessable sid is the capability.
//!
//! # Session kinds
//!
//! | kind | API path | hosted page | extra create fields |
//! |---|---|---|---|
//! | passive liveness | `/face/v1/passive-liveness-sessions` | `/passive-liveness/{sid}` | none |
//! | active liveness | `/face/v1/active-liveness-sessions` | `/active-liveness/{sid}` | `number_of_gestures`: optional integer from 1 to [`MAX_GESTURES`] (19, one per GLAIR gesture code; default 1) |
//! | KTP | `/ocr/v1/ktp-sessions` | `/ktp/{sid}` | `qualities_detector`: optional boolean (default false) |
//! | NPWP | `/ocr/v1/npwp-sessions` | `/npwp/{sid}` | none |
//!
//! All four come from one table in the private `kinds` module; only API version `v1` is served
//! (any other version answers `404 {"message": "unsupported API version …"}`).
//!
//! # API endpoints
//!
//! * `POST {API path}` with a JSON object `{"success_url": …, "cancel_url": … (optional), extras}`
//!   → **`200`** (the vendor's samples show no `201`) with the session object:
//!   `status` (`"PENDING"`), `expired` (emulator clock now + 24 h, in epoch milliseconds), `url`
//!   (`{public base}{hosted page path}` ending in a fresh random 32-character alphanumeric sid),
//!   `success_url`, `cancel_url` (`null` when unset: GLAIR echoes the key), `result` (`null`)
//!   and the kind's extras, always, with their defaults when not sent (`number_of_gestures` 1,
//!   `qualities_detector` false). Extras are accepted in their documented JSON type or as the
//!   strings the vendor's Java SDK sends (`"3"`, `"true"`/`"false"`), and echoed in the
//!   documented type. There is no `sid` field, as on the real service. Unknown body fields are
//!   ignored; a JSON `null` for an optional field counts as absent.
//! * `GET {API path}/{sid}` → the session object; once finished `status` is `"FINISHED"` and
//!   `result` is the kind's fixture for the outcome it was completed with. A sid of another kind
//!   is `404`.
//!
//! Errors are checked in this order: `401` (credentials; GLAIR's documented body
//! `{"error": "Access to this API has been disallowed"}`, with what exactly was wrong in the
//! emulator's own `x-emulator-auth-problem` header — GLAIR's status for this case is not
//! documented, `401` is the one its error page lists for bad credentials), then, with
//! `{"message": "…"}` bodies, `404`
//! (unknown route, version or sid), `405` with an `Allow` header (wrong method on a known route),
//! `415` (a `POST` whose `Content-Type` is not `application/json`; parameters such as
//! `charset=utf-8` are allowed, another charset is not), `413` (body over 64 KiB; bodies are read
//! with a limit, never buffered unbounded), `408` (the body did not arrive within the body-read
//! deadline; the connection is closed), `400` (invalid JSON, a body that is not an object,
//! missing or non-string `success_url`, an invalid `success_url`/`cancel_url`, an invalid extra),
//! `429` with `Retry-After` (a create while the session cap is reached; see
//! [Lifetime and limits](#lifetime-and-limits)).
//! A valid redirect URL is an absolute `http`/`https` URL with a non-empty host, no whitespace,
//! control characters or backslashes, at most 2048 bytes.
//!
//! Finished passive-liveness results by outcome:
//!
//! | outcome | `result` |
//! |---|---|
//! | `live` | `{"status":"success","result":{"spoof_percentage":0.02611,"status":"LOW"}}` |
//! | `spoof` | `{"status":"success","result":{"spoof_percentage":0.99768,"status":"HIGH"}}` |
//! | `no-face` | `{"status":"failed","result":{"spoof_percentage":0,"status":"face not detected"}}` |
//! | `moderate` | `{"status":"success","result":{"spoof_percentage":0.5678,"status":"MODERATE"}}` |
//! | `many-faces` | `{"status":"failed","result":{"spoof_percentage":0,"status":"too many faces detected"}}` |
//!
//! The other kinds, in the shapes GLAIR documents (the vendor's live-tested key names):
//!
//! | outcome | active liveness `result` | KTP / NPWP `result` |
//! |---|---|---|
//! | `live` | `{"status":"success","result":{"gesture_status":"MATCH","detected_gesture":"HEAD_LEFT"}}` | `{"status":"SUCCESS","reason":"File Successfully Read","read":{…}}`, every field `{"confidence":…,"value":…}` |
//! | `spoof` | `{"status":"success","result":{"gesture_status":"NOT_MATCH","detected_gesture":"HEAD_RIGHT"}}` | `SUCCESS` with `"reason":"File successfully read. Some fields are invalid."` and every field empty (confidence 0): a picture of something else |
//! | `no-face` | `{"status":"failed","result":{"gesture_status":"face not detected","detected_gesture":null}}` | `{"status":"FAILED","reason":"File could not be read"}` (GLAIR documents no text for this; the emulator's own) |
//! | `moderate` | `{"status":"success","result":{"gesture_status":"hand not detected","detected_gesture":null}}` | as `live`, every confidence 60 |
//! | `many-faces` | `{"status":"failed","result":{"gesture_status":"too many faces detected","detected_gesture":null}}` | as `no-face` |
//!
//! KTP's `read` has the 17 camelCase fields (`nik`, `nama`, `tempatLahir`, …), plus `images`
//! (`photo`, `sign`: base64) and, when `qualities_detector` is true, `qualities` with the eight
//! documented booleans (`is_ktp` false and `is_copy` true for `spoof`). NPWP's `read` is the
//! vendor documentation's sample (`noNpwp`, `nama`, `nik`, `alamat`).
//!
//! Every response carries a `Date` header on the emulator's clock, so a client that judges
//! expiry by the service's clock sees a clock advance at once.
//!
//! Every response — API, control, page, error, fault — carries a unique `Request-Id` header
//! (16 lowercase hex digits). (The only exceptions are the few answers hyper itself gives to
//! requests that are not valid HTTP/1.1 at all, such as a malformed request line.)
//!
//! # Index page
//!
//! `GET /` (also `HEAD`; no credentials) is an HTML page for a person who opens the emulator in
//! a browser: what it is, the credentials it accepts (the documented defaults are shown;
//! configured API keys and passwords never are, only a configured username), the session API
//! and hosted-page paths of every kind, and the control API. Its "Try it" buttons post to
//! `POST /_emulator/demo` (form field `kind`, an API resource name; default
//! `passive-liveness-sessions`; the one control endpoint without credentials, subject to the
//! session cap) → `303 See Other` to the hosted page of a new session whose `success_url` is
//! `/?kind=RESOURCE` and `cancel_url` is `/`. Back at `/?kind=RESOURCE&sid=SID`, the page shows
//! that session as the API returns it — for sessions created by the demo button only. Neither
//! is counted in the API request stats (the demo session is counted as created).
//!
//! # Hosted page
//!
//! * `GET {hosted page path}` (also `HEAD`) renders one self-contained HTML template (inline CSS
//!   and JS, no external resources, a strict `Content-Security-Policy`) worded for the kind.
//!   Elements tests can rely on: `data-testid="status"` (always), and for a pending session a
//!   camera preview (`getUserMedia({video:true})`), a `data-testid="verify"` button (enabled once
//!   the camera delivers frames) that captures a JPEG and posts it, `data-testid="error"` for
//!   submission errors, and `data-testid="cancel"` — a link to `cancel_url` — only when the
//!   session has one. When the camera is unavailable, refused or yields no frames the status says
//!   the camera is unavailable and a file input `data-testid="upload"` (`accept="image/*"`)
//!   appears (also when a camera permission prompt stays unanswered for 15 seconds);
//!   **choosing a file submits it at once** (there is no separate upload button).
//!   A pending active liveness page lists the gestures it asks for, `number_of_gestures` of
//!   them, by their GLAIR codes: an ordered list `data-testid="gestures"` whose items carry
//!   `data-gesture="CODE"` and show the code with its prompt ("Turn your head left
//!   `HEAD_LEFT`"). GLAIR does not document how its page picks them; the emulator starts with
//!   `HEAD_LEFT` (the gesture a finished session's result reports) and takes the rest, all
//!   different, in an order fixed by the sid; past 19 it lists the 19 and says how many more.
//!   On success the page follows the `redirect` of the reply with `window.location.assign`.
//!   An expired session shows `This session has expired` (HTTP 410), a finished one
//!   `This session is already complete` (HTTP 200); neither has capture controls. An unknown sid
//!   is a 404 page.
//! * `POST {hosted page path}/submit` with an `image/*` body (1 byte to 5 MiB) completes the
//!   session with the configured outcome and returns `{"redirect": success_url + sid}` — `sid` is
//!   appended to the query string, keeping existing parameters and the fragment
//!   (`https://a.example/done?x=1#frag` → `https://a.example/done?x=1&sid=SID#frag`).
//!   Errors: `404` unknown sid, `415` not an image type, `413` over 5 MiB, `400` empty body,
//!   `409` already finished, `410` expired (a finished session that has also expired is `409`).
//!   After a `409`/`410` the page replaces its controls with the matching final status text.
//!
//! A session is expired once the emulator clock reaches its `expired` instant
//! (`now_ms >= expired`).
//!
//! # Vision endpoints
//!
//! Every non-session endpoint of the `glair_types::endpoints` catalog is served, from that
//! catalog (paths, file parts and their accepted formats, required text fields), with one
//! fixture builder per endpoint: F1 `POST /face/v1/match`, F2 `/face/v1/passive-liveness`,
//! F3 `/face/v1/active-liveness` (text field `gesture-code`), I1 `/identity/v1/verification`,
//! I2 `/identity/v1/face-verification`, and O1–O19 `/ocr/v1/{ktp, ktp/qualities, npwp, kk,
//! stnk, bpkb, passport, plate, sim, general-document, invoice, receipt, bank-statement, skpr,
//! singapore-nric, singapore-family-pass, singapore-work-permit, kitas-kitap,
//! financial-statement}`. Requests are `multipart/form-data`; face match also takes the
//! JSON-base64 form the vendor's Java SDK sends (`{"captured_image": "<base64>",
//! "stored_image": "<base64>"}`, plain base64 without a `data:` prefix). Answers are in the
//! documented shapes (the facts' §3, §4, §7) with fixed data per outcome; a finished KTP or
//! NPWP session's `result` is the same object as the direct endpoint's answer.
//!
//! **Outcomes.** Each endpoint has its own outcomes; the first is the default:
//!
//! | endpoints | outcomes |
//! |---|---|
//! | F1 face match | `match`, `not-match`, `no-face-captured`, `no-face-stored`, `many-faces-captured`, `many-faces-stored` (the `match_status_code`s; the ones without a comparison answer `"status": "failed"`) |
//! | F2, F3 liveness | `live`, `spoof`, `no-face`, `moderate`, `many-faces` (as the sessions; active liveness detects the requested gesture when `live`) |
//! | I1 identity verification | `verified`, `not-verified` (`name` false), `not-found` (`nik` false, the rest `null`) |
//! | I2 face verification | `verified`, `not-verified`, `face-not-match` (face score 12.5), `not-found` |
//! | O1–O19 OCR | `success`, `low-confidence` (every confidence 60), `wrong-document` (`SUCCESS`, "Some fields are invalid.", every field empty), `failed` (`FAILED`); the plate has no `low-confidence` (its reading carries no confidence) |
//!
//! Identity answers carry a verdict for each field the request sent, and no others. A request
//! picks its outcome with the header `x-emulator-outcome: NAME` (an unknown name is `400`
//! listing the valid ones); without it, the endpoint's default applies, which
//! `POST /_emulator/outcomes/{id}` sets (so that an unchanged client can be steered) — see
//! [Control endpoints](#control-endpoints).
//!
//! **Errors**, after `401` (same credentials as the sessions), `404` (unknown route or
//! version) and `405` (not `POST`), in this order:
//!
//! * `415 {"message": …}`: the `Content-Type` is not `multipart/form-data` (or, for face match,
//!   `application/json`);
//! * `400 {"message": …}`: a multipart type without a boundary;
//! * `413` / `408`: the body is over 32 MiB, or did not arrive within the body-read deadline;
//! * `400` / `413 {"message": …}`: malformed multipart, or a bound of the table below broken;
//! * `400 {"status": "NO_FILE", "reason": "No file in request body (…)"}`: a file part missing
//!   or empty (GLAIR documents this for OCR; the emulator answers it on every endpoint with a
//!   file);
//! * `415 {"status": "FILE_INVALID_FORMAT", "reason": …}`: a file whose bytes (never its name
//!   or declared type) are not a format the endpoint accepts (JPEG and PNG everywhere; PDF
//!   and TIFF for NPWP, BPKB and general document; PDF for invoice, receipt, bank statement,
//!   SKPR and financial statement);
//! * `400 {"message": …}`: a required text field missing or blank, a field given twice,
//!   invalid base64 in the JSON form, or an invalid `gesture-code` (not one of the 19 codes),
//!   BPKB `page` (not 1–4) or general-document `table` (not `true`/`false`). GLAIR documents
//!   only "missing required parameter" for `400`; the body is the emulator's usual one.
//!
//! Other values are not judged (a NIK need not have 16 digits: the answer comes from the
//! outcome); parts the endpoint does not know are ignored.
//!
//! | bound | limit | when exceeded |
//! |---|---|---|
//! | whole body | 32 MiB (a face match of two 10 MiB images in the JSON-base64 form fits) | `413` |
//! | one file part | 10 MiB (`glair_types::MAX_IMAGE_BYTES`) | `413` |
//! | one text part | 8 KiB | `413` |
//! | parts | 64 | `400` |
//! | field name | 128 bytes (`glair_types::MAX_FIELD_NAME_LEN`) | `400` |
//! | file name | 1024 bytes | `400` |
//! | headers per part | 32 | `400` |
//!
//! Text parts must be UTF-8 (`400` otherwise). The body is read whole under these bounds and
//! the body-read deadline before it is parsed (with `multer`), so parsing never waits on the
//! client.
//!
//! # Control endpoints
//!
//! Same credentials as the API; JSON bodies (the `Content-Type` of control requests is not
//! checked). Control requests are not counted in the stats and never faulted.
//!
//! * `POST /_emulator/{API resource}/{sid}/complete`, e.g.
//!   `/_emulator/ktp-sessions/{sid}/complete`, optional body `{"outcome":"live"|"spoof"|"no-face"|"moderate"|"many-faces"}`
//!   (default: the configured outcome) → `200` session object; `404` unknown sid, `409` already
//!   finished, `410` expired.
//! * `POST /_emulator/clock/advance` `{"ms": N}` → `{"now_ms": …}`. The emulator clock is the
//!   system clock plus the sum of all advances. It ends at 9999-12-31T23:59:59.999Z (the last
//!   instant an HTTP date can name): an advance past that is refused with `400` and moves
//!   nothing.
//! * `POST /_emulator/faults` queues a fault → `{"queued": <faults now queued>}`; at most 256
//!   are queued (`409` beyond), each `route` at most 1,024 bytes (`400` beyond);
//!   `DELETE /_emulator/faults` clears them → `{"cleared": <faults removed>}`.
//! * `GET /_emulator/stats` → [`Stats`] as JSON.
//! * `GET /_emulator/outcomes` → every Vision endpoint by id (`F1`, `O6`, …) with its `name`,
//!   `route`, `outcomes` and current `default`; `POST /_emulator/outcomes/{id}`
//!   `{"outcome": NAME}` sets that endpoint's default → `{"endpoint": id, "outcome": NAME}`
//!   (`400` for an outcome it does not have, `404` for an unknown id);
//!   `DELETE /_emulator/outcomes` resets every endpoint to its first outcome →
//!   `{"reset": <endpoints that had another>}`.
//!
//! # Faults
//!
//! `POST /_emulator/faults` takes an object with `kind` and kind-specific fields:
//!
//! | `kind` | fields | effect |
//! |---|---|---|
//! | `status` | `status` (200–599); optional `retry_after_s` (number → `Retry-After: N`) or `retry_after` (raw header value), `body`, `content_type` | answers with that status; the default body is `{"message": …}` JSON, except `502`, whose default is an HTML gateway error page (`text/html`) |
//! | `delay` | `delay_ms` (≤ 600000) | waits, then serves the request normally |
//! | `hang` | — | never answers; the connection is held until the client goes away or the server shuts down |
//! | `reset` | — | closes the connection without any response |
//! | `malformed` | — | `200`, `application/json`, body `{"status":"PEND` |
//! | `oversized` | — | `200`, `application/json`, an endless streamed body |
//!
//! Common optional fields: `count` (default 1), `phase` (`"before"`, the default: the fault
//! replaces the request, which is not processed at all — no session is created; `"after"`: the
//! request is processed first — a create DOES create the session — and then the fault is
//! delivered instead of the real response, or, for `delay`, before it), `method` (e.g. `"POST"`)
//! and `route` (`"create"` = any session create route, `"retrieve"` = any session route,
//! `"vision"` = any Vision endpoint, a route template such as
//! `/face/v1/passive-liveness-sessions`, `/ocr/v1/ktp-sessions/{sid}` or `/face/v1/match`, an
//! exact path, or a stats key such as `POST /ocr/v1/npwp-sessions`). A Vision call faulted
//! `"after"` was processed (and counts as answered). Unknown fields are rejected with `400`.
//!
//! Faults form a FIFO queue. Each API request (never a control or page request) takes the first
//! queued fault whose filters match it and uses up one of its `count`; a fault whose count is
//! used up leaves the queue. Faults apply before authentication, to unknown routes too.
//!
//! # Stats
//!
//! `GET /_emulator/stats` and [`Emulator::stats`] report sessions created (in total and per API
//! resource name, every kind listed) and every API request that reached routing — including
//! faulted, failed and unauthenticated ones, excluding control and page requests — in total and
//! per `"METHOD route template"` key, e.g. `"POST /face/v1/passive-liveness-sessions"` or
//! `"GET /face/v1/passive-liveness-sessions/{sid}"` or `"POST /ocr/v1/ktp/qualities"`, and
//! the Vision calls answered with a fixture per endpoint id ([`Stats::vision_answered`]).
//! Requests that match no route are counted
//! under `"METHOD (unknown)"`; methods other than the standard ones are counted as `OTHER`.
//!
//! # Lifetime and limits
//!
//! [`Emulator::shutdown`] stops accepting, lets in-flight requests finish (hung requests and
//! endless bodies are cut at once; anything still running after 5 seconds is aborted) and
//! returns. Dropping an [`Emulator`] stops the server immediately. Connections are HTTP/1.1
//! keep-alive (or HTTP/2 over TLS); every kind is closed once it has had no request in flight
//! for the idle timeout, which also bounds how long a request's headers may take. Per-request
//! memory is bounded by the body limits, the fault queue by its length (256) and route length
//! (1 KiB). The other bounds, each configurable on [`EmulatorConfig`] (and all but the idle
//! timeout by a flag of the binary):
//!
//! | bound | default | config / flag | when reached |
//! |---|---|---|---|
//! | sessions held | [`DEFAULT_MAX_SESSIONS`] | [`EmulatorConfig::max_sessions`], `--max-sessions` | a create evicts the session that expired first; if none has expired it is refused: `429 {"message": …}` with `Retry-After` (seconds until the earliest session expires) |
//! | expired-session retention | [`DEFAULT_EXPIRED_RETENTION`] (for ever) | [`EmulatorConfig::expired_retention`], `--expired-retention-ms` | the session is evicted: its API `GET`, page and completion answer `404` |
//! | idle connection | [`DEFAULT_IDLE_TIMEOUT`] (30 s) | [`EmulatorConfig::idle_timeout`] | the connection is closed (HTTP/2: `GOAWAY`), freeing its slot under the connection cap |
//! | request-body read time | [`DEFAULT_BODY_READ_TIMEOUT`] (30 s) | [`EmulatorConfig::body_read_timeout`], `--body-read-timeout-ms` | `408 {"message": …}` with `Connection: close`, and the connection is closed |
//! | connections served at once | [`DEFAULT_MAX_CONNECTIONS`] | [`EmulatorConfig::max_connections`], `--max-connections` | accepting pauses: further connections wait in the listen backlog (1024 deep; the kernel drops attempts beyond it) and are served in order as open ones close |
//!
//! **Eviction.** GLAIR's docs never say that a session disappears once it expires, so by
//! default an expired session (`now_ms >= expired`) stays retrievable, and its hosted page
//! says it expired, however long ago that was. Memory stays bounded by the session cap: at
//! the cap a create evicts the one session that expired first. With a retention time set,
//! an expired session is evicted once that time has passed — pending or finished alike. Each store shard keeps an
//! expiry-ordered index (a min-heap of `(expired, sid)`) next to its map; a sweep pops only the
//! entries that are due, so it never scans the store. Sweeps run on every create, on every clock
//! advance (`POST /_emulator/clock/advance` and [`Emulator::advance_clock`]: advancing past
//! `expired` + retention empties the store at once) and every second in a background task (so
//! memory returns to idle with no traffic at all); the maps and indexes shrink once mostly
//! empty. [`Stats::sessions_stored`] and [`Stats::sessions_evicted`] show the effect.
//!
//! **Why 429 for the session cap.** Nothing was created, so the request is safe to repeat for
//! any method; clients (this workspace's SDK among them) read `429` as "refused, not processed",
//! while a `503` to a `POST` reads as "may have been processed" and is not retried.
//!
//! **Why the connection cap queues.** Refusing would mean writing a response before the request
//! is read, which a client can lose to a connection reset; pausing `accept` keeps memory bounded
//! with nothing half-written, and the idle timeout (30 s) and the body deadline bound how
//! long any connection can hold its slot.

mod auth;
mod body;
mod clock;
mod config;
mod faults;
mod fixtures;
mod gestures;
mod html;
mod idle;
mod ids;
mod kinds;
mod limits;
mod respond;
mod routes;
mod server;
mod state;
mod stats;
mod store;
mod tls;
mod urls;
mod vision;

pub use config::{EmulatorConfig, EmulatorTls, Outcome, ParseOutcomeError};
pub use kinds::MAX_GESTURES;
pub use limits::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_EXPIRED_RETENTION, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_SESSIONS,
};
pub use server::Emulator;
pub use stats::Stats;

/// The API key the emulator accepts when no credentials are configured.
pub const DEFAULT_API_KEY: &str = "emulator-api-key";

/// The Basic-auth username the emulator accepts when no credentials are configured.
pub const DEFAULT_USERNAME: &str = "emulator-user";

/// The Basic-auth password the emulator accepts when no credentials are configured.
pub const DEFAULT_PASSWORD: &str = "emulator-password";

/// The crate's README, whose examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
