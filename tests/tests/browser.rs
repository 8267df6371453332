//! Real-browser end-to-end tests: headless Chromium, driven over WebDriver (fantoccini and
//! Debian's `chromedriver`), through the `webapp` example and the emulator's hosted page.
//!
//! Everything runs on 127.0.0.1: the emulator (via [`Harness`]), the web application from
//! `glair_examples::webapp::router` served by axum, and a `chromedriver` started per test on
//! a free port. The tests need Debian's `chromium` and `chromium-driver` packages, so they are
//! ignored by default:
//!
//! ```sh
//! cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1
//! ```
//!
//! When a test fails, a screenshot, the page source, the URL and the chromedriver log are
//! saved under `$GLAIR_BROWSER_ARTIFACTS` (default: `<system temp dir>/glair-browser-artifacts`)
//! and their paths are printed to stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

use std::error::Error as StdError;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::{Client as Browser, ClientBuilder, Locator};
use glair::SessionStatus;
use glair_integration_tests::Harness;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long any single wait for the page may take.
const WAIT: Duration = Duration::from_secs(20);
/// How long a whole test body may take.
const BODY_LIMIT: Duration = Duration::from_secs(120);
/// How often waits poll the browser.
const POLL: Duration = Duration::from_millis(100);

type BoxError = Box<dyn StdError + Send + Sync>;
type TestResult<T = ()> = Result<T, BoxError>;

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

/// The user takes the check with the (synthetic) camera and lands on the app's success route,
/// which fetched the finished session through the SDK.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn live_check_redirects_to_the_app_with_the_result() {
    run("live_outcome", Camera::Fake, |t: Tester| async move {
        t.login("alice").await?;
        t.goto_app("/start").await?;
        let sid = t.hosted_sid().await?;
        t.check_session(&sid, SessionStatus::Pending).await?;

        let verify = t.element("verify").await?;
        t.wait_until("the verify button to be enabled", async || {
            verify.is_enabled().await
        })
        .await?;
        let before = t.harness.stats();
        let status = t.text_of("status").await?;
        assert!(
            status.contains("Camera ready"),
            "status before verifying: {status:?}"
        );
        verify.click().await?;

        t.wait_for_app_page("/liveness/done").await?;
        assert_eq!(t.redirect_sid().await?, sid, "sid in the success URL");
        assert_eq!(t.text_of("session-status").await?, "FINISHED");
        assert_eq!(t.text_of("spoof-level").await?, "LOW");
        assert_eq!(t.text_of("verdict").await?, "live");
        assert_eq!(t.text_of("spoof-probability").await?, "2.61 %");
        assert!(
            t.all("verdict-reason").await?.is_empty(),
            "a Reason row for a live result"
        );
        assert!(!t.text_of("request-id").await?.is_empty());

        let stats = t.harness.stats();
        assert_eq!(stats.sessions_created, 1, "{stats:?}");
        assert_eq!(
            stats.sessions_by_kind["passive-liveness-sessions"], 1,
            "{stats:?}"
        );
        assert_eq!(
            stats.requests["POST /face/v1/passive-liveness-sessions"], 1,
            "{stats:?}"
        );
        // The app fetched the result exactly once, after the redirect (the test's own check
        // before verifying is the other retrieve).
        let retrieves = |s: &glair_emulator::Stats| {
            s.requests
                .get("GET /face/v1/passive-liveness-sessions/{sid}")
                .copied()
                .unwrap_or(0)
        };
        assert_eq!(retrieves(&stats) - retrieves(&before), 1, "{stats:?}");
        t.check_session(&sid, SessionStatus::Finished).await?;
        Ok(())
    })
    .await;
}

/// The hosted page's back button leads to the app's cancel route; the session stays pending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn cancel_returns_to_the_app_with_the_session_pending() {
    run("cancel", Camera::Fake, |t: Tester| async move {
        t.login("alice").await?;
        t.goto_app("/start").await?;
        let sid = t.hosted_sid().await?;
        let session = t.check_session(&sid, SessionStatus::Pending).await?;
        // The app's cancel route, with the state that finds the check's ticket.
        let expected_cancel = format!("{}/liveness/cancelled?state=", t.app_url);
        let cancel_url = session.cancel_url.clone().unwrap_or_default();
        assert!(cancel_url.starts_with(&expected_cancel), "{cancel_url}");

        let cancel = t.element("cancel").await?;
        assert_eq!(
            cancel.attr("href").await?.as_deref(),
            Some(cancel_url.as_str())
        );
        cancel.click().await?;

        t.wait_for_app_page("/liveness/cancelled").await?;
        assert_eq!(t.text_of("session-status").await?, "PENDING");
        t.check_session(&sid, SessionStatus::Pending).await?;
        let stats = t.harness.stats();
        assert_eq!(stats.sessions_created, 1, "{stats:?}");
        Ok(())
    })
    .await;
}

/// A session created without a `cancel_url` has no back button on the hosted page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn without_cancel_url_the_hosted_page_has_no_back_button() {
    run("no_cancel_url", Camera::Fake, |t: Tester| async move {
        t.login("alice").await?;
        t.goto_app("/start?cancel=false").await?;
        let sid = t.hosted_sid().await?;
        let session = t.check_session(&sid, SessionStatus::Pending).await?;
        assert_eq!(session.cancel_url, None);

        // The page is fully set up (camera running, verify usable) ...
        let verify = t.element("verify").await?;
        t.wait_until("the verify button to be enabled", async || {
            verify.is_enabled().await
        })
        .await?;
        assert!(verify.is_displayed().await?);
        // ... and has no back button at all.
        assert!(
            t.all("cancel").await?.is_empty(),
            "a cancel element is present"
        );
        let source = t.browser.source().await?;
        assert!(
            !source.contains("data-testid=\"cancel\""),
            "cancel in the page source"
        );
        Ok(())
    })
    .await;
}

/// With the camera blocked the page offers a file upload, which completes the check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn refused_camera_falls_back_to_upload() {
    run("camera_refused", Camera::Blocked, |t: Tester| async move {
        t.login("alice").await?;
        t.goto_app("/start").await?;
        let sid = t.hosted_sid().await?;

        let upload = t.element("upload").await?;
        t.wait_until("the upload input to be shown", async || {
            upload.is_displayed().await
        })
        .await?;
        let status = t.text_of("status").await?;
        assert!(
            status.contains("camera is unavailable"),
            "status: {status:?}"
        );
        assert!(status.contains("refused"), "status: {status:?}");
        let verify = t.element("verify").await?;
        assert!(
            !verify.is_displayed().await?,
            "verify is shown without a camera"
        );
        let hint = t.browser.find(Locator::Id("hint")).await?;
        assert!(
            !hint.is_displayed().await?,
            "camera instructions are shown without a camera"
        );

        let selfie = t.tmp.join("selfie.jpg");
        std::fs::write(&selfie, glair_examples::SELFIE_JPEG)?;
        upload
            .send_keys(selfie.to_str().ok_or("temp path is not UTF-8")?)
            .await?;
        // The emulator submits on file choice; click a separate submit button if there is one.
        if let Some(submit) = t.all("upload-submit").await?.into_iter().next() {
            if t.path().await?.starts_with("/passive-liveness/") {
                submit.click().await?;
            }
        }

        t.wait_for_app_page("/liveness/done").await?;
        assert_eq!(t.redirect_sid().await?, sid, "sid in the success URL");
        assert_eq!(t.text_of("session-status").await?, "FINISHED");
        assert_eq!(t.text_of("spoof-level").await?, "LOW");
        t.check_session(&sid, SessionStatus::Finished).await?;
        assert_eq!(t.harness.stats().sessions_created, 1);
        Ok(())
    })
    .await;
}

/// Reloading the hosted page after the session expired shows that, with no capture controls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn expired_session_page_has_no_controls() {
    run("expired", Camera::Fake, |t: Tester| async move {
        t.login("alice").await?;
        t.goto_app("/start").await?;
        let sid = t.hosted_sid().await?;
        let hosted = t.browser.current_url().await?;
        t.element("verify").await?;

        t.harness
            .advance_clock(Duration::from_secs(24 * 60 * 60) + Duration::from_secs(60));
        t.browser.refresh().await?;

        t.wait_until("the hosted page to say it expired", async || {
            Ok(t.text_of("status")
                .await
                .is_ok_and(|s| s.contains("This session has expired")))
        })
        .await?;
        assert_eq!(
            t.browser.current_url().await?,
            hosted,
            "still on the hosted page"
        );
        for control in ["verify", "upload", "cancel"] {
            assert!(
                t.all(control).await?.is_empty(),
                "{control} on the expired page"
            );
        }
        // Expiry does not finish the session.
        t.check_session(&sid, SessionStatus::Pending).await?;
        Ok(())
    })
    .await;
}

/// The redirect URL is bound to the user who started the check: a second browser, logged in
/// as another user, opening the first user's redirect URL is refused (by the ticket, before
/// anything is fetched from GLAIR); the first user reloading it gets the same verdict. The
/// start page's links are buttons, and unknown paths answer with a page saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; run: cargo test -p glair-integration-tests --test browser -- --ignored --test-threads=1"]
async fn another_user_is_refused_and_a_reload_gives_the_same_verdict() {
    run("ticket_binding", Camera::Fake, |t: Tester| async move {
        t.login("alice").await?;
        for start in ["start", "start-without-cancel"] {
            let link = t.element(start).await?;
            let class = link.attr("class").await?.unwrap_or_default();
            assert!(
                class.split(' ').any(|c| c == "button"),
                "{start}: {class:?}"
            );
            assert!(!link.text().await?.contains("no way back"));
        }
        t.goto_app("/start").await?;
        let sid = t.hosted_sid().await?;
        let verify = t.element("verify").await?;
        t.wait_until("the verify button to be enabled", async || {
            verify.is_enabled().await
        })
        .await?;
        verify.click().await?;
        t.wait_for_app_page("/liveness/done").await?;
        assert_eq!(t.redirect_sid().await?, sid);
        assert_eq!(t.text_of("verdict").await?, "live");
        let redirect = t.browser.current_url().await?;

        // Bob, in a browser of his own, opens Alice's redirect URL.
        let second_dir = t.tmp.join("second");
        std::fs::create_dir_all(&second_dir)?;
        let bob = connect(&t.driver_url, Camera::Fake, &second_dir).await?;
        let outcome = async {
            login(&bob, &t.app_url, "bob").await?;
            let before = t.harness.stats();
            bob.goto(redirect.as_str()).await?;
            let error = bob
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(&testid("error")))
                .await?;
            assert_eq!(
                error.attr("data-refusal").await?.as_deref(),
                Some("other_user"),
                "{}",
                describe_page(&bob).await
            );
            assert!(error.text().await?.contains("another user"));
            assert!(
                bob.find_all(Locator::Css(&testid("verdict")))
                    .await?
                    .is_empty(),
                "Bob sees a verdict"
            );
            let after = t.harness.stats();
            assert_eq!(
                after.requests, before.requests,
                "the refusal fetched nothing from GLAIR"
            );
            TestResult::Ok(())
        }
        .await;
        let _ = tokio::time::timeout(Duration::from_secs(15), bob.close()).await;
        outcome?;

        // Alice reloads her redirect: the same verdict.
        t.browser.refresh().await?;
        t.wait_for_app_page("/liveness/done").await?;
        assert_eq!(t.text_of("verdict").await?, "live");
        assert_eq!(t.text_of("spoof-level").await?, "LOW");
        assert_eq!(t.text_of("spoof-probability").await?, "2.61 %");
        assert_eq!(t.harness.stats().sessions_created, 1);

        // An unknown path: a page that says so.
        t.goto_app("/no/such/page").await?;
        let text = t.text_of("error").await?;
        assert!(text.contains("no page at /no/such/page"), "{text}");
        Ok(())
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// What a test body gets.
// ---------------------------------------------------------------------------------------------

/// The browser, the emulator and the app of one test.
#[derive(Debug, Clone)]
struct Tester {
    browser: Browser,
    harness: Arc<Harness>,
    /// Where the browser reaches the app, e.g. `http://127.0.0.1:PORT`.
    app_url: String,
    /// This test's temporary directory.
    tmp: PathBuf,
    /// The chromedriver's URL, for a second browser.
    driver_url: String,
}

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Tester {
    /// Logs this browser in to the app as `user` (the example's demo login form).
    async fn login(&self, user: &str) -> TestResult {
        login(&self.browser, &self.app_url, user).await
    }

    /// Opens `path` of the app.
    async fn goto_app(&self, path: &str) -> TestResult {
        self.browser
            .goto(&format!("{}{path}", self.app_url))
            .await?;
        Ok(())
    }

    /// The path of the current URL.
    async fn path(&self) -> TestResult<String> {
        Ok(self.browser.current_url().await?.path().to_owned())
    }

    /// Waits for an element by its `data-testid`.
    async fn element(&self, id: &str) -> TestResult<Element> {
        let css = testid(id);
        match self
            .browser
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(&css))
            .await
        {
            Ok(element) => Ok(element),
            Err(e) => Err(format!(
                "waiting for {css}: {e}; {}",
                describe_page(&self.browser).await
            )
            .into()),
        }
    }

    /// All elements with a `data-testid`, now (no waiting).
    async fn all(&self, id: &str) -> TestResult<Vec<Element>> {
        Ok(self.browser.find_all(Locator::Css(&testid(id))).await?)
    }

    /// The text of the element with a `data-testid` (waiting for it to exist).
    async fn text_of(&self, id: &str) -> TestResult<String> {
        Ok(self.element(id).await?.text().await?.trim().to_owned())
    }

    /// Polls `ready` until it says yes, for at most [`WAIT`].
    async fn wait_until<F>(&self, what: &str, mut ready: F) -> TestResult
    where
        F: AsyncFnMut() -> Result<bool, fantoccini::error::CmdError>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            if ready().await? {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "timed out after {WAIT:?} waiting for {what}; {}",
                    describe_page(&self.browser).await
                )
                .into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the browser is on the hosted page the app redirected to, and returns the sid
    /// there (its last path segment), checking that the emulator created that session.
    async fn hosted_sid(&self) -> TestResult<String> {
        let prefix = format!("{}/passive-liveness/", self.harness.emulator.base_url());
        self.wait_until("the hosted page", async || {
            Ok(self
                .browser
                .current_url()
                .await?
                .as_str()
                .starts_with(&prefix))
        })
        .await?;
        self.element("status").await?;
        let url = self.browser.current_url().await?;
        let sid = url.as_str()[prefix.len()..].to_owned();
        assert_eq!(sid.len(), 32, "sid in the hosted URL {url}");
        Ok(sid)
    }

    /// Waits until the browser shows the app's page at `path` (its result element loaded).
    async fn wait_for_app_page(&self, path: &str) -> TestResult {
        let want = format!("{}{path}", self.app_url);
        self.wait_until(&format!("the app page {path}"), async || {
            let url = self.browser.current_url().await?;
            let at = url.as_str().split(['?', '#']).next().unwrap_or_default();
            if at != want {
                return Ok(false);
            }
            Ok(!self
                .all("session-status")
                .await
                .unwrap_or_default()
                .is_empty()
                || !self.all("error").await.unwrap_or_default().is_empty())
        })
        .await?;
        let errors = self.all("error").await?;
        if let Some(error) = errors.first() {
            return Err(format!("the app shows an error: {}", error.text().await?).into());
        }
        Ok(())
    }

    /// The `sid` query parameter of the current URL (there must be exactly one).
    async fn redirect_sid(&self) -> TestResult<String> {
        let url = self.browser.current_url().await?;
        let sids: Vec<String> = url
            .query_pairs()
            .filter(|(k, _)| k == "sid")
            .map(|(_, v)| v.into_owned())
            .collect();
        match sids.as_slice() {
            [sid] => Ok(sid.clone()),
            _ => Err(format!("expected one sid in {url}").into()),
        }
    }

    /// Retrieves the session through the SDK and checks its status.
    async fn check_session(
        &self,
        sid: &str,
        status: SessionStatus,
    ) -> TestResult<glair::PassiveLivenessSession> {
        let session = self
            .harness
            .client()
            .passive_liveness_sessions()
            .retrieve(sid)
            .await?;
        assert_eq!(session.status, status, "session {sid}: {session:?}");
        Ok(session)
    }
}

/// Logs `browser` in to the app at `app_url` as `user` through the login form.
async fn login(browser: &Browser, app_url: &str, user: &str) -> TestResult {
    browser.goto(&format!("{app_url}/")).await?;
    let name = browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&testid("user")))
        .await?;
    name.send_keys(user).await?;
    browser
        .find(Locator::Css(&testid("login")))
        .await?
        .click()
        .await?;
    let who = browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&testid("who")))
        .await?;
    let shown = who.text().await?;
    if shown != user {
        return Err(format!("logged in as {shown:?}, not {user:?}").into());
    }
    Ok(())
}

/// The URL and the visible text of the page, for error messages.
async fn describe_page(browser: &Browser) -> String {
    let url = match browser.current_url().await {
        Ok(url) => url.to_string(),
        Err(e) => format!("(no URL: {e})"),
    };
    let text = match browser
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
    {
        Ok(Value::String(s)) => s.chars().take(600).collect::<String>(),
        Ok(other) => other.to_string(),
        Err(e) => format!("(no text: {e})"),
    };
    format!("page {url} says: {text:?}")
}

// ---------------------------------------------------------------------------------------------
// The runner: emulator, app, chromedriver, browser; artifacts on failure; cleanup always.
// ---------------------------------------------------------------------------------------------

/// What the browser's camera does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Camera {
    /// A synthetic camera, permission granted without a prompt.
    Fake,
    /// A synthetic camera whose permission is refused (content setting and prompts denied).
    Blocked,
}

/// Runs `body` against a fresh emulator, app and browser. On an error or a panic in `body`
/// saves artifacts, then fails the test; everything started is stopped either way.
async fn run<F, Fut>(name: &str, camera: Camera, body: F)
where
    F: FnOnce(Tester) -> Fut,
    Fut: Future<Output = TestResult>,
{
    let tmp = TempDir::new(name);
    let harness = Arc::new(Harness::start().await);
    let app = App::start(harness.client()).await;
    let driver = Driver::start(tmp.path());
    let browser = match connect(&driver.url, camera, tmp.path()).await {
        Ok(browser) => browser,
        Err(e) => panic!(
            "{name}: cannot start a browser session: {e}\nchromedriver log:\n{}",
            log_tail(&driver.log)
        ),
    };

    let tester = Tester {
        browser: browser.clone(),
        harness: Arc::clone(&harness),
        app_url: app.url.clone(),
        tmp: tmp.path().to_owned(),
        driver_url: driver.url.clone(),
    };
    let outcome = tokio::time::timeout(BODY_LIMIT, CatchUnwind(Box::pin(body(tester)))).await;
    let failure = match outcome {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(format!("error: {e}")),
        Ok(Err(payload)) => Some(format!("panic: {}", panic_message(payload.as_ref()))),
        Err(_elapsed) => Some(format!("the test body took longer than {BODY_LIMIT:?}")),
    };
    if let Some(why) = &failure {
        save_artifacts(name, why, &browser, &driver.log).await;
    }

    // End the WebDriver session (chromedriver quits Chromium), then stop everything else.
    let _ = tokio::time::timeout(Duration::from_secs(15), browser.close()).await;
    drop(driver);
    drop(app);
    drop(tmp);

    if let Some(why) = failure {
        panic!("browser test {name} failed: {why}");
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

/// Saves a screenshot, the page source, the URL, the failure and the chromedriver log, and
/// prints where.
async fn save_artifacts(name: &str, why: &str, browser: &Browser, driver_log: &Path) {
    let root = std::env::var_os("GLAIR_BROWSER_ARTIFACTS").map_or_else(
        || std::env::temp_dir().join("glair-browser-artifacts"),
        PathBuf::from,
    );
    let dir = root.join(format!("{name}-{}", unique_suffix()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("[browser] {name}: cannot create {}: {e}", dir.display());
        return;
    }
    let limit = Duration::from_secs(15);
    let save = |file: &str, bytes: &[u8]| {
        let path = dir.join(file);
        match std::fs::write(&path, bytes) {
            Ok(()) => eprintln!("[browser] {name}: saved {}", path.display()),
            Err(e) => eprintln!("[browser] {name}: cannot write {}: {e}", path.display()),
        }
    };
    save("failure.txt", why.as_bytes());
    match tokio::time::timeout(limit, browser.screenshot()).await {
        Ok(Ok(png)) => save("screenshot.png", &png),
        Ok(Err(e)) => eprintln!("[browser] {name}: no screenshot: {e}"),
        Err(_) => eprintln!("[browser] {name}: no screenshot: timed out"),
    }
    match tokio::time::timeout(limit, browser.source()).await {
        Ok(Ok(html)) => save("page.html", html.as_bytes()),
        Ok(Err(e)) => eprintln!("[browser] {name}: no page source: {e}"),
        Err(_) => eprintln!("[browser] {name}: no page source: timed out"),
    }
    if let Ok(Ok(url)) = tokio::time::timeout(limit, browser.current_url()).await {
        save("url.txt", url.as_str().as_bytes());
    }
    if let Ok(log) = std::fs::read(driver_log) {
        save("chromedriver.log", &log);
    }
}

/// The web application under test, served on 127.0.0.1; stopped on drop.
#[derive(Debug)]
struct App {
    url: String,
    server: tokio::task::JoinHandle<()>,
}

impl App {
    async fn start(client: glair::Client) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the app");
        let url = format!("http://{}", listener.local_addr().expect("app address"));
        let router = glair_examples::webapp::router(client, url.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("the app serves");
        });
        Self { url, server }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A `chromedriver` on a free loopback port, in its own process group; the group (chromedriver
/// and any Chromium it started) is killed on drop.
#[derive(Debug)]
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    fn start(dir: &Path) -> Self {
        let log = dir.join("chromedriver.log");
        let mut last_error = String::new();
        // A free port can be taken between finding and binding it; try a few.
        for _ in 0..3 {
            let port = free_port();
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn();
            let child = match child {
                Ok(child) => child,
                Err(e) => panic!("cannot run {CHROMEDRIVER} (install chromium-driver): {e}"),
            };
            let mut driver = Self {
                child,
                url: format!("http://127.0.0.1:{port}"),
                log: log.clone(),
            };
            match driver.wait_ready(port) {
                Ok(()) => return driver,
                Err(e) => last_error = e,
            }
        }
        panic!(
            "chromedriver did not start: {last_error}; its log:\n{}",
            log_tail(&log)
        );
    }

    /// Waits until `GET /status` says the driver is ready.
    fn wait_ready(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + WAIT;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromedriver exited: {status}"));
            }
            if let Ok(body) = http_get(addr, "/status") {
                if body.contains("\"ready\":true") || body.contains("\"ready\": true") {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(format!("not ready on port {port} after {WAIT:?}"));
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Negative pid: the process group this driver leads.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal blocking HTTP/1.1 GET, for probing chromedriver: reads until the connection
/// closes, a complete JSON body has arrived, or a read times out (chromedriver may keep the
/// connection open), and returns what it got.
fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                response.extend_from_slice(&chunk[..n]);
                if response.ends_with(b"}}") || response.len() > 64 * 1024 {
                    break;
                }
            }
            Err(e) if response.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// The end of a log file, for panic messages (the file goes away with the temp dir).
fn log_tail(path: &Path) -> String {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let start = log.len().saturating_sub(4000);
    let start = (start..log.len())
        .find(|i| log.is_char_boundary(*i))
        .unwrap_or(log.len());
    log[start..].to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Opens a WebDriver session with headless Chromium.
async fn connect(driver_url: &str, camera: Camera, dir: &Path) -> TestResult<Browser> {
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile)?;
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1024,900",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut prefs = json!({});
    match camera {
        Camera::Fake => {
            args.push("--use-fake-device-for-media-stream".to_owned());
            args.push("--use-fake-ui-for-media-stream".to_owned());
        }
        Camera::Blocked => {
            // A camera exists (so the refusal is about permission, not a missing device), but
            // its permission is blocked and any prompt is denied.
            args.push("--use-fake-device-for-media-stream".to_owned());
            args.push("--deny-permission-prompts".to_owned());
            // 2 = block.
            prefs = json!({ "profile.default_content_setting_values.media_stream_camera": 2 });
        }
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": prefs },
        "timeouts": { "pageLoad": 30_000, "script": 30_000, "implicit": 0 },
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object")
    };
    let browser = tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver_url),
    )
    .await
    .map_err(|_| "the WebDriver session did not open within 60 s")??;
    Ok(browser)
}

/// A temporary directory, removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("glair-browser-{name}-{}", unique_suffix()));
        std::fs::create_dir_all(&path).expect("create a temp dir");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!(
        "{}-{ms}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs a future, turning a panic while polling it into an `Err` with the panic's payload.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
