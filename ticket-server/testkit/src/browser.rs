//! A real headless Chromium for the pages' tests (feature `browser`): Debian's `chromium` driven
//! through `chromedriver` by `fantoccini`, a maintained WebDriver client.
//!
//! Waiting follows the page, not a timer: an element's appearance is waited for with fantoccini's
//! own `wait().for_element`, and a condition on what the page shows (an element shown, its text)
//! is checked again each time the page's DOM changes — a `MutationObserver` in the page ends the
//! wait — within a bounded time.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long a step may wait for the page by default: pages answer in milliseconds on loopback, so
/// this only bounds a test whose page never gets there.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// A wait re-checks at least this often even when the DOM has not changed: what WebDriver calls
/// "shown" can also change without a DOM mutation (a CSS transition ending).
const RECHECK: Duration = Duration::from_secs(1);

/// One browser session in a fresh profile, with the chromedriver that serves it. Dropping it (or a
/// failed test unwinding) ends chromedriver and every chromium process it started.
pub struct Browser {
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// chromedriver, owned from the moment it starts: if the session cannot be made (the test panics
/// before a `Browser` exists), dropping this still ends it and its chromium.
struct Driver(Child);

impl Browser {
    /// A headless Chromium with a `width`×`height` window (device scale 1, Indonesian first).
    pub async fn start(width: u32, height: u32) -> Browser {
        Browser::launch(width, height, json!({})).await
    }

    /// A phone: a `width`×`height` viewport however small (a desktop window has a minimum width;
    /// Chromium's device emulation has none), touch, and web notifications allowed as for a
    /// visitor who tapped "Allow" (`Notification.permission` is `"granted"`).
    pub async fn start_phone_granting_notifications(width: u32, height: u32) -> Browser {
        let extra = json!({
            "prefs": { "profile.default_content_setting_values.notifications": 1 },
            "mobileEmulation": {
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true }
            }
        });
        Browser::launch(width, height, extra).await
    }

    /// `extra`: more `goog:chromeOptions` (preferences, device emulation).
    async fn launch(width: u32, height: u32, extra: Value) -> Browser {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "browser tests need Debian's chromium and chromium-driver: apt-get install chromium \
             chromium-driver (tests/setup-tools --all does)"
        );
        let (driver, port) = Driver::start();
        let profile = tempfile::tempdir().unwrap();
        let mut caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run",
                         format!("--user-data-dir={}", profile.path().display()),
                         format!("--window-size={width},{height}"),
                         "--force-device-scale-factor=1", "--lang=id"]
            }
        });
        if let (Some(options), Value::Object(extra)) =
            (caps["goog:chromeOptions"].as_object_mut(), extra)
        {
            options.extend(extra);
        }
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        // Plain HTTP to a chromedriver on loopback: no TLS connector, so no OpenSSL or rustls.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("no WebDriver session from chromedriver: {e}"));
        // The page-change wait below resolves by itself within `RECHECK`; this only bounds a
        // script that never calls back.
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(RECHECK * 30),
                Some(Duration::from_secs(30)),
                Some(Duration::ZERO),
            ))
            .await
            .unwrap();
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// The fantoccini session, for what the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Open `url` and wait for its load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The element matching `css` once it is in the page and shown, waiting up to
    /// [`PAGE_TIMEOUT`].
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PAGE_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} in the page: {e}"));
        self.until(&format!("{css} shown"), PAGE_TIMEOUT, || async {
            match self.shown(css).await {
                Ok(Some(el)) => Ok(el),
                Ok(None) => Err("it is hidden".to_string()),
                Err(e) => Err(e.to_string()),
            }
        })
        .await
    }

    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Type `text` into the input `css`, key by key as a person would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Empty an input, as selecting its text and deleting it would.
    pub async fn clear(&self, css: &str) {
        let el = self.find(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    }

    /// Press and release one key, as a person at the keyboard would (to the focused element).
    pub async fn press(&self, key: char) {
        let keys = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(keys)
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// The text `css` shows (as WebDriver renders it: hidden parts left out, CSS capitals applied).
    pub async fn text(&self, css: &str) -> String {
        let el = self.find(css).await;
        el.text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Wait until `css` is shown with `needle` in its text (up to [`PAGE_TIMEOUT`]); its whole
    /// text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        self.wait_text_within(css, needle, PAGE_TIMEOUT).await
    }

    /// [`Browser::wait_text`] for a page that changes on its own clock (one that polls the server
    /// every few seconds): up to `timeout`.
    pub async fn wait_text_within(&self, css: &str, needle: &str, timeout: Duration) -> String {
        self.until(&format!("{css} to show {needle:?}"), timeout, || async {
            let el = match self.shown(css).await {
                Ok(Some(el)) => el,
                Ok(None) => return Err("it is not shown".to_string()),
                Err(e) => return Err(e.to_string()),
            };
            match el.text().await {
                Ok(t) if t.contains(needle) => Ok(t),
                Ok(t) => Err(format!("it shows {t:?}")),
                Err(e) => Err(e.to_string()),
            }
        })
        .await
    }

    /// Run JavaScript in the page and return its result.
    pub async fn script(&self, js: &str) -> Value {
        self.client
            .execute(js, vec![])
            .await
            .unwrap_or_else(|e| panic!("script {js:?}: {e}"))
    }

    /// The page as a PNG at `path` (its folder made).
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// End the session (chromium closes); chromedriver ends when the `Browser` is dropped.
    pub async fn quit(self) {
        let _ = self.client.close().await;
    }

    /// `css` if it is in the page and shown now; `None` while it is missing, hidden or being
    /// replaced (a page re-rendering a list).
    async fn shown(&self, css: &str) -> Result<Option<Element>, CmdError> {
        let el = match self.client.find(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) if is_gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        match el.is_displayed().await {
            Ok(true) => Ok(Some(el)),
            Ok(false) => Ok(None),
            Err(e) if is_gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `check` until it succeeds, checked again whenever the page's DOM changes (and at least every
    /// [`RECHECK`]), for at most `timeout`; its last answer says why it failed.
    async fn until<T, F, Fut>(&self, what: &str, timeout: Duration, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let deadline = Instant::now() + timeout;
        // The mark is taken before each check, so a change during the check ends the next wait
        // at once: none is missed.
        let mut mark = self.page_changed(String::new(), Duration::ZERO).await;
        loop {
            let why = match check().await {
                Ok(v) => return v,
                Err(why) => why,
            };
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out after {timeout:?} waiting for {what}: {why}"
            );
            mark = self.page_changed(mark, left.min(RECHECK)).await;
        }
    }

    /// Wait until the page's DOM differs from `seen` (a mark this returned before), at most `up_to`;
    /// the new mark. The first call on a page starts its `MutationObserver`.
    async fn page_changed(&self, seen: String, up_to: Duration) -> String {
        const JS: &str = r#"
            const [seen, ms, done] = arguments;
            let c = window.__antriChanges;
            if (!c) {
                c = window.__antriChanges = { page: Math.random().toString(36).slice(2), n: 0, wake: [] };
                new MutationObserver(() => { c.n += 1; c.wake.splice(0).forEach((f) => f()); })
                    .observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
            }
            const mark = () => c.page + ':' + c.n;
            if (mark() !== seen || ms <= 0) { done(mark()); return; }
            const timer = setTimeout(() => done(mark()), ms);
            c.wake.push(() => { clearTimeout(timer); done(mark()); });
        "#;
        let args = vec![json!(seen), json!(up_to.as_millis() as u64)];
        match self.client.execute_async(JS, args).await {
            Ok(Value::String(mark)) => mark,
            // The page went away under the script (a navigation): that is a change; the next wait
            // starts an observer in the new page.
            Ok(_) | Err(_) => String::new(),
        }
    }
}

/// The element is not there (yet), or was replaced between finding and asking about it.
fn is_gone(e: &CmdError) -> bool {
    matches!(e, CmdError::Standard(w)
        if matches!(w.error, ErrorStatus::NoSuchElement | ErrorStatus::StaleElementReference))
}

impl Driver {
    /// chromedriver on a port of its own choosing (`--port=0`), in its own process group so its
    /// chromium can be found and ended with it; the port from its "started successfully" line.
    fn start() -> (Driver, u16) {
        let mut child = Command::new(CHROMEDRIVER)
            .process_group(0)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().expect("piped");
        let driver = Driver(child);
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads its output to the end, so chromedriver never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|p| p.trim_end_matches('.').parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("chromedriver says which port it listens on");
        (driver, port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver and every chromium process it started: the members of its process group,
        // found in /proc and killed one by one (never a whole group by number, so a mistake can
        // never reach beyond them).
        let group = self.0.id();
        let me = std::process::id();
        let members: Vec<u32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let pid: u32 = e.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
                // pid (comm) state ppid pgrp …; comm may hold spaces, so split after ')'.
                let rest = stat.rsplit_once(')')?.1;
                let pgrp: u32 = rest.split_whitespace().nth(2)?.parse().ok()?;
                (pgrp == group && pid != me).then_some(pid)
            })
            .collect();
        // rustix sends the signal: no unsafe code, and no `kill` program (a minimal Debian has none).
        for pid in members {
            if let Some(pid) = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
