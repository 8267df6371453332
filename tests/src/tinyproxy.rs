//! A real HTTP proxy for the proxy tests: Debian's `tinyproxy`, started with its own
//! configuration file on a free 127.0.0.1 port, stopped on drop.
//!
//! `.ci/run` installs tinyproxy. When it is missing the tests fail saying so (never pass
//! without having gone through a proxy).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running tinyproxy.
#[derive(Debug)]
pub struct Tinyproxy {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

fn binary() -> PathBuf {
    let candidates = [
        "/usr/bin/tinyproxy",
        "/usr/sbin/tinyproxy",
        "/usr/local/bin/tinyproxy",
    ];
    if let Some(found) = candidates.iter().map(Path::new).find(|p| p.exists()) {
        return found.to_path_buf();
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tinyproxy"))
            .find(|p| p.exists())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "tinyproxy is not installed, and the proxy tests need a real proxy: \
             `apt-get install -y tinyproxy` (.ci/run does this)"
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Tinyproxy {
    /// Starts tinyproxy on 127.0.0.1, open to everyone (no credentials).
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts tinyproxy requiring Basic credentials (`BasicAuth user password`).
    pub fn with_basic_auth(user: &str, password: &str) -> Self {
        Self::start_with(Some((user, password)))
    }

    fn start_with(auth: Option<(&str, &str)>) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let binary = binary();
        let mut last_error = String::new();
        // A port that was free a moment ago may be taken by the time tinyproxy binds it.
        for _ in 0..5 {
            let port = free_port();
            let dir = std::env::temp_dir().join(format!(
                "glair-tinyproxy-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let log = dir.join("tinyproxy.log");
            let mut conf = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\nAllow 127.0.0.1\n\
                 DisableViaHeader Yes\nLogLevel Info\nLogFile \"{}\"\n",
                log.display()
            );
            if let Some((user, password)) = auth {
                conf.push_str(&format!("BasicAuth {user} {password}\n"));
            }
            let conf_path = dir.join("tinyproxy.conf");
            std::fs::write(&conf_path, conf).expect("write tinyproxy.conf");
            // Its own output goes to a file: a pipe nobody reads could fill up and block it.
            let stderr_path = dir.join("stderr.log");
            let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
            let mut child = Command::new(&binary)
                .arg("-d")
                .arg("-c")
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    let said = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                    last_error = format!("tinyproxy exited with {status}: {}", said.trim());
                    break;
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Tinyproxy { child, addr, dir };
                }
                if Instant::now() > deadline {
                    last_error = "tinyproxy did not listen within 10 s".to_owned();
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        panic!("could not start tinyproxy: {last_error}");
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT` (both percent-encoded as needed by the caller).
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// The request lines tinyproxy logged (`CONNECT host:port HTTP/1.1`,
    /// `GET http://… HTTP/1.1`), in order.
    pub fn requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.dir.join("tinyproxy.log")).unwrap_or_default();
        log.lines()
            .filter_map(|line| line.split_once("]: Request (file descriptor "))
            .filter_map(|(_, rest)| rest.split_once("): "))
            .map(|(_, request)| request.trim().to_owned())
            .collect()
    }

    /// The whole log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("tinyproxy.log")).unwrap_or_default()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
