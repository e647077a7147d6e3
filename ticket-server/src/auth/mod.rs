//! Who may do what: users (officer, supervisor, admin) with argon2 password hashes and session
//! tokens; devices (kiosk, display, rating tablet) with their own configured tokens; login
//! throttling.
//!
//! - [`throttle`]: failed logins counted per username *and* source address, before the check.
//! - [`password`]: argon2 checks on a small pool of reused memory.
//! - [`sessions`]: sessions kept in the database as keyed hashes, so a restart logs nobody out.
//!
//! A token arrives as `Authorization: Bearer …` or as the `antri_session` cookie (the browser
//! pages). Only a few password checks run at once ([`Auth::login`] waits briefly for a turn and
//! then answers "busy"), so a storm of logins costs a bounded amount of memory and CPU.

pub mod password;
pub mod sessions;
pub mod throttle;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{DeviceKind, Role, UserView};
use rand::RngCore;
use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::StoreError;
pub use sessions::SessionPolicy;
use sessions::{Session, SessionStore, TokenHash};
pub use throttle::LoginLimits;
use throttle::Throttle;

/// Failed logins allowed per username and source address within the throttle's window.
pub const MAX_FAILURES: usize = 5;

/// How logins are bounded.
#[derive(Clone, Debug)]
pub struct AuthOptions {
    pub limits: LoginLimits,
    pub sessions: SessionPolicy,
    /// Password checks (argon2, 19 MiB each) that may run at once.
    pub checks_at_once: usize,
    /// How long a login waits for its turn before it is answered "busy, try again".
    pub check_wait: std::time::Duration,
}

impl Default for AuthOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AuthOptions {
            limits: LoginLimits::default(),
            sessions: SessionPolicy::default(),
            checks_at_once: cores.clamp(2, 4),
            check_wait: std::time::Duration::from_secs(3),
        }
    }
}

/// Whoever made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    User(UserView),
    Device { id: String, kind: DeviceKind },
}

impl Principal {
    pub fn actor(&self) -> Actor {
        match self {
            Principal::User(u) => Actor {
                kind: ActorKind::User,
                id: u.username.clone(),
            },
            Principal::Device { id, .. } => Actor {
                kind: ActorKind::Device,
                id: id.clone(),
            },
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User(u) => Some(u.role),
            Principal::Device { .. } => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoginError {
    #[error("wrong username or password")]
    Invalid,
    #[error("too many failed logins from this address; try again in {0} seconds")]
    Throttled(u64),
    #[error("too many logins at once; try again in {0} seconds")]
    Busy(u64),
}

/// A new session: the token (only the client ever holds it), its CSRF token, the user.
#[derive(Debug)]
pub struct LoggedIn {
    pub token: String,
    pub csrf: String,
    pub user: UserView,
}

pub struct Auth {
    /// Replaced when an admin saves a change (see [`Auth::reconfigure`]).
    config: RwLock<Arc<Config>>,
    devices: RwLock<HashMap<String, (String, DeviceKind)>>,
    /// Username → tag of the password hash in force.
    password_tags: RwLock<HashMap<String, [u8; 16]>>,
    /// Every live session, by token hash; the database has the same (see [`sessions`]).
    sessions: Mutex<HashMap<TokenHash, Session>>,
    store: Option<Arc<SessionStore>>,
    key: sessions::Key,
    throttle: Mutex<Throttle>,
    checker: password::Checker,
    turns: Arc<Semaphore>,
    options: AuthOptions,
    clock: Clock,
    /// Verified against when the username is unknown, so a wrong username takes as long as a
    /// wrong password and does not reveal which users exist.
    dummy_hash: String,
}

impl Auth {
    /// Sessions in memory only (unit tests).
    pub fn new(config: Arc<Config>) -> Auth {
        Auth::build(
            config,
            None,
            sessions::random_key(),
            Clock::System,
            AuthOptions::default(),
        )
    }

    /// Sessions kept in the (already migrated) database at `db_path`; those stored by an earlier
    /// run are valid again.
    pub fn open(
        config: Arc<Config>,
        db_path: &Path,
        clock: Clock,
        options: AuthOptions,
    ) -> Result<Auth, StoreError> {
        let (store, key) = SessionStore::open(db_path)?;
        let store = Arc::new(store);
        let loaded = store.load(&options.sessions, clock.now())?;
        let auth = Auth::build(config, Some(store), key, clock, options);
        {
            let tags = auth.password_tags.read().unwrap_or_else(|e| e.into_inner());
            let mut live = auth.sessions.lock().unwrap_or_else(|e| e.into_inner());
            for (hash, s) in loaded {
                // A password changed in the file while the server was stopped ends the session.
                if tags.get(&s.username) == Some(&s.password_tag) {
                    live.insert(hash, s);
                } else if let Some(store) = &auth.store {
                    let _ = store.delete(&hash);
                }
            }
        }
        Ok(auth)
    }

    fn build(
        config: Arc<Config>,
        store: Option<Arc<SessionStore>>,
        key: sessions::Key,
        clock: Clock,
        options: AuthOptions,
    ) -> Auth {
        let dummy_hash = config
            .users
            .first()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| hash_password("unused").expect("hashing a constant works"));
        Auth {
            devices: RwLock::new(device_tokens(&config)),
            password_tags: RwLock::new(password_tags(&key, &config)),
            config: RwLock::new(config),
            sessions: Mutex::new(HashMap::new()),
            store,
            key,
            throttle: Mutex::new(Throttle::default()),
            checker: password::Checker::default(),
            turns: Arc::new(Semaphore::new(options.checks_at_once.max(1))),
            options,
            clock,
            dummy_hash,
        }
    }

    /// An admin changed users or devices: new device tokens work and removed ones stop at once;
    /// open sessions follow their user's new role and lokets, and end if the user was removed or
    /// their password changed.
    pub fn reconfigure(&self, config: Arc<Config>) {
        *self.devices.write().unwrap_or_else(|e| e.into_inner()) = device_tokens(&config);
        let tags = password_tags(&self.key, &config);
        let mut ended = Vec::new();
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, s| {
                let keep = tags.get(&s.username) == Some(&s.password_tag);
                if !keep {
                    ended.push(s.username.clone());
                }
                keep
            });
        ended.sort();
        ended.dedup();
        if let Some(store) = &self.store {
            for u in &ended {
                if let Err(e) = store.delete_user(u) {
                    tracing::error!(error = %e, user = %u, "ended sessions not deleted from disk");
                }
            }
        }
        *self
            .password_tags
            .write()
            .unwrap_or_else(|e| e.into_inner()) = tags;
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn authenticate(&self, token: &str) -> Option<Principal> {
        if let Some((id, kind)) = self
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
        {
            return Some(Principal::Device {
                id: id.clone(),
                kind: *kind,
            });
        }
        let hash = sessions::token_hash(&self.key, token);
        let now = self.clock.now();
        let (username, touch) = {
            let mut live = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
            let s = live.get_mut(&hash)?;
            if s.expired(&self.options.sessions, now) {
                live.remove(&hash);
                drop(live);
                self.forget(hash);
                return None;
            }
            s.last_used = now;
            let touch = now - s.stored_last_used >= sessions::TOUCH_EVERY;
            if touch {
                s.stored_last_used = now;
            }
            (s.username.clone(), touch)
        };
        if touch {
            self.persist(move |store| store.touch(&hash, now));
        }
        let config = self.config();
        config
            .user(&username)
            .map(|u| Principal::User(user_view(u)))
    }

    /// The CSRF token of a user session: derived from the token, so it need not be stored.
    pub fn session_csrf(&self, token: &str) -> Option<String> {
        let hash = sessions::token_hash(&self.key, token);
        let live = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        live.contains_key(&hash)
            .then(|| hex(&sessions::keyed(&self.key, "antri csrf", token.as_bytes())))
    }

    /// Check a password and open a session. The attempt is counted before the check; the check
    /// waits at most [`AuthOptions::check_wait`] for one of the few turns.
    pub async fn login(
        self: &Arc<Self>,
        username: String,
        password: String,
        source: IpAddr,
    ) -> Result<LoggedIn, LoginError> {
        let attempt = {
            let mut throttle = self.throttle.lock().unwrap_or_else(|e| e.into_inner());
            throttle
                .begin(&self.options.limits, &username, source, self.clock.now())
                .map_err(LoginError::Throttled)?
        };
        let turn =
            tokio::time::timeout(self.options.check_wait, self.turns.clone().acquire_owned()).await;
        let Ok(Ok(turn)) = turn else {
            self.throttle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .not_checked(attempt);
            return Err(LoginError::Busy(1));
        };
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let ok = this.check_password(&username, &password);
            drop(turn);
            let mut throttle = this.throttle.lock().unwrap_or_else(|e| e.into_inner());
            match ok {
                Some(user) => {
                    throttle.succeeded(attempt);
                    drop(throttle);
                    Ok(this.open_session(user))
                }
                None => {
                    throttle.failed(attempt);
                    Err(LoginError::Invalid)
                }
            }
        })
        .await
        .unwrap_or(Err(LoginError::Busy(1)))
    }

    /// The user, if the password is theirs. Unknown users cost the same check.
    fn check_password(&self, username: &str, password: &str) -> Option<crate::config::User> {
        let config = self.config();
        let user = config.user(username);
        let hash = user.map_or(self.dummy_hash.as_str(), |u| u.password_hash.as_str());
        let ok = self.checker.verify(hash, password);
        user.filter(|_| ok).cloned()
    }

    fn open_session(&self, user: crate::config::User) -> LoggedIn {
        let token = new_token();
        let hash = sessions::token_hash(&self.key, &token);
        let now = self.clock.now();
        let session = Session {
            username: user.username.clone(),
            password_tag: sessions::tag(&self.key, &user.password_hash),
            created: now,
            last_used: now,
            stored_last_used: now,
        };
        if let Some(store) = &self.store {
            if let Err(e) = store.insert(&hash, &session) {
                tracing::error!(error = %e, "session not stored; it ends at the next restart");
            }
        }
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(hash, session);
        let csrf = hex(&sessions::keyed(&self.key, "antri csrf", token.as_bytes()));
        LoggedIn {
            token,
            csrf,
            user: user_view(&user),
        }
    }

    /// The key a NIK is hashed under: derived from the building's own key (in its database), so
    /// the hashes of one building say nothing in another's.
    pub fn person_key(&self) -> [u8; 32] {
        sessions::keyed(&self.key, "antri nik", &[])
    }

    pub fn logout(&self, token: &str) {
        let hash = sessions::token_hash(&self.key, token);
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&hash);
        self.forget(hash);
    }

    /// Passwords checked since start (each an argon2 run): for `/metrics` and the benchmark.
    pub fn password_checks(&self) -> u64 {
        self.checker.checks()
    }

    /// Live sessions in memory.
    pub fn session_count(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Does `password` match `hash`? Through the same bounded memory as logins.
    pub fn verify(&self, hash: &str, password: &str) -> bool {
        self.checker.verify(hash, password)
    }

    fn forget(&self, hash: TokenHash) {
        self.persist(move |store| store.delete(&hash));
    }

    /// A session write, off the async threads when there are any.
    fn persist(
        &self,
        write: impl FnOnce(&SessionStore) -> Result<(), StoreError> + Send + 'static,
    ) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let run = move || {
            if let Err(e) = write(&store) {
                tracing::warn!(error = %e, "session change not written");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn_blocking(run);
            }
            Err(_) => run(),
        }
    }
}

fn device_tokens(config: &Config) -> HashMap<String, (String, DeviceKind)> {
    config
        .devices
        .iter()
        .map(|d| (d.token.clone(), (d.id.clone(), d.kind)))
        .collect()
}

fn password_tags(key: &sessions::Key, config: &Config) -> HashMap<String, [u8; 16]> {
    config
        .users
        .iter()
        .map(|u| (u.username.clone(), sessions::tag(key, &u.password_hash)))
        .collect()
}

fn user_view(user: &crate::config::User) -> UserView {
    UserView {
        username: user.username.clone(),
        name: user.name.clone(),
        role: user.role,
        counters: user.counters.clone(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// An argon2id PHC string for the config file.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    use argon2::Argon2;
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A public tracking code: 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L), so it
/// can also be typed from a photo of the ticket.
/// A booking's code: 8 of 32 letters and digits that cannot be mistaken for each other (no 0/O,
/// 1/I), 40 bits; shown as `ABCD-EFGH`.
pub fn new_booking_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

pub fn new_tracking_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[tokio::test]
    async fn a_guesser_elsewhere_does_not_lock_the_officer_out() {
        let auth = Arc::new(Auth::new(Arc::new(Config::example())));
        for _ in 0..MAX_FAILURES {
            let e = auth
                .login("petugas1".into(), "wrong".into(), local(2))
                .await
                .unwrap_err();
            assert_eq!(e, LoginError::Invalid);
        }
        // Even the right password is refused from the guessing address…
        assert!(matches!(
            auth.login("petugas1".into(), "antri".into(), local(2))
                .await,
            Err(LoginError::Throttled(_))
        ));
        // …but the officer's own PC logs in.
        let s = auth
            .login("petugas1".into(), "antri".into(), local(1))
            .await
            .unwrap();
        assert_eq!(auth.session_csrf(&s.token), Some(s.csrf.clone()));
        assert_eq!(s.user.role, Role::Officer);
        assert!(matches!(
            auth.authenticate(&s.token),
            Some(Principal::User(_))
        ));
        auth.logout(&s.token);
        assert_eq!(auth.authenticate(&s.token), None);
        assert_eq!(auth.session_csrf(&s.token), None);
        assert_eq!(auth.password_checks(), MAX_FAILURES as u64 + 1);
    }

    #[test]
    fn devices_authenticate_by_token() {
        let auth = Auth::new(Arc::new(Config::example()));
        assert_eq!(
            auth.authenticate("demo-kiosk-1-token"),
            Some(Principal::Device {
                id: "kiosk-1".into(),
                kind: DeviceKind::Kiosk
            })
        );
        assert_eq!(auth.authenticate("nonsense"), None);
    }

    #[tokio::test]
    async fn sessions_expire_when_idle_or_old_and_end_on_a_password_change() {
        let start: chrono::DateTime<chrono::Utc> = "2026-11-24T01:00:00Z".parse().unwrap();
        let clock = Clock::manual(start);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        drop(crate::store::open_writer(&db).unwrap());
        let config = Arc::new(Config::example());
        let auth = Arc::new(
            Auth::open(config.clone(), &db, clock.clone(), AuthOptions::default()).unwrap(),
        );
        let idle = auth
            .login("petugas1".into(), "antri".into(), local(1))
            .await
            .unwrap();
        let busy = auth
            .login("petugas2".into(), "antri".into(), local(1))
            .await
            .unwrap();
        let admin = auth
            .login("admin".into(), "antri".into(), local(1))
            .await
            .unwrap();
        // Used every hour for 15 hours: still in; untouched for over 4 hours: out.
        for _ in 0..15 {
            clock.advance(chrono::Duration::hours(1));
            assert!(auth.authenticate(&busy.token).is_some());
            assert!(auth.authenticate(&admin.token).is_some());
        }
        assert!(auth.authenticate(&idle.token).is_none());
        // Sixteen hours after login even a busy session ends.
        clock.advance(chrono::Duration::hours(1) + chrono::Duration::seconds(1));
        assert!(auth.authenticate(&busy.token).is_none());

        // A new password (an admin's change) ends that user's sessions; others stay.
        let p3 = auth
            .login("petugas3".into(), "antri".into(), local(1))
            .await
            .unwrap();
        let p4 = auth
            .login("petugas4".into(), "antri".into(), local(1))
            .await
            .unwrap();
        let mut doc = (*config.document).clone();
        let u = doc
            .users
            .iter_mut()
            .find(|u| u.username == "petugas3")
            .unwrap();
        u.password_hash = hash_password("baru").unwrap();
        doc.users.retain(|u| u.username != "petugas4");
        auth.reconfigure(Arc::new(Config::from_document(doc).unwrap()));
        assert!(auth.authenticate(&p3.token).is_none());
        assert!(auth.authenticate(&p4.token).is_none());
    }
}
