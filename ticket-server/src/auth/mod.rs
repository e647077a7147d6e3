//! Who may do what: users (officer, supervisor, admin) with argon2 password hashes and session
//! tokens; devices (kiosk, display) with their own configured tokens; login throttling.
//!
//! Sessions live in memory: after a server restart officers log in again, which is cheaper than
//! keeping secrets on disk. A token arrives as `Authorization: Bearer …` or as the `antri_session`
//! cookie (the browser pages).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{DeviceKind, Role, UserView};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use rand::RngCore;

use crate::config::Config;

/// Failed logins allowed per username within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(300);
/// A session that is not used for this long ends.
const SESSION_IDLE: Duration = Duration::from_secs(12 * 3600);

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
    #[error("too many failed logins for this user; try again in {0} seconds")]
    Throttled(u64),
}

struct Session {
    user: UserView,
    /// Required as `X-CSRF-Token` when the session cookie authenticates a state-changing request.
    csrf: String,
    last_used: Instant,
}

pub struct Auth {
    /// Replaced when an admin saves a change (see [`Auth::reconfigure`]).
    config: RwLock<Arc<Config>>,
    devices: RwLock<HashMap<String, (String, DeviceKind)>>,
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    /// Verified against when the username is unknown, so a wrong username takes as long as a
    /// wrong password and does not reveal which users exist.
    dummy_hash: String,
}

impl Auth {
    pub fn new(config: Arc<Config>) -> Auth {
        let devices = device_tokens(&config);
        let dummy_hash = config
            .users
            .first()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| hash_password("unused").expect("hashing a constant works"));
        Auth {
            config: RwLock::new(config),
            devices: RwLock::new(devices),
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            dummy_hash,
        }
    }

    /// An admin changed users or devices: new device tokens work and removed ones stop at once;
    /// open sessions follow their user's new role and lokets, and end if the user was removed.
    pub fn reconfigure(&self, config: Arc<Config>) {
        *self.devices.write().unwrap_or_else(|e| e.into_inner()) = device_tokens(&config);
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, s| match config.user(&s.user.username) {
            Some(u) => {
                s.user = user_view(u);
                true
            }
            None => false,
        });
        drop(sessions);
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
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
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let s = sessions.get_mut(token)?;
        if now.duration_since(s.last_used) > SESSION_IDLE {
            sessions.remove(token);
            return None;
        }
        s.last_used = now;
        Some(Principal::User(s.user.clone()))
    }

    /// The CSRF token of a user session.
    pub fn session_csrf(&self, token: &str) -> Option<String> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.get(token).map(|s| s.csrf.clone())
    }

    /// Check a password (slow on purpose: run it off the async threads) and open a session.
    /// Returns the session token, its CSRF token and the user.
    pub fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(String, String, UserView), LoginError> {
        let now = Instant::now();
        {
            let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            let recent = failures.entry(username.to_string()).or_default();
            recent.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
            if recent.len() >= MAX_FAILURES {
                let oldest = recent[0];
                let wait = THROTTLE_WINDOW.saturating_sub(now.duration_since(oldest));
                return Err(LoginError::Throttled(wait.as_secs().max(1)));
            }
        }
        let config = self
            .config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let user = config.user(username);
        let hash = user.map_or(self.dummy_hash.as_str(), |u| u.password_hash.as_str());
        let ok = PasswordHash::new(hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        let user = match (ok, user) {
            (true, Some(u)) => u,
            _ => {
                let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
                failures.entry(username.to_string()).or_default().push(now);
                return Err(LoginError::Invalid);
            }
        };
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(username);
        let view = user_view(user);
        let token = new_token();
        let csrf = new_token();
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                token.clone(),
                Session {
                    user: view.clone(),
                    csrf: csrf.clone(),
                    last_used: now,
                },
            );
        Ok((token, csrf, view))
    }

    pub fn logout(&self, token: &str) {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }
}

fn device_tokens(config: &Config) -> HashMap<String, (String, DeviceKind)> {
    config
        .devices
        .iter()
        .map(|d| (d.token.clone(), (d.id.clone(), d.kind)))
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

/// 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id PHC string for the config file.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A public tracking code: 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L), so it
/// can also be typed from a photo of the ticket.
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

    #[test]
    fn login_throttles_after_repeated_failures() {
        let auth = Auth::new(Arc::new(Config::example()));
        for _ in 0..MAX_FAILURES {
            assert_eq!(
                auth.login("petugas1", "wrong").unwrap_err(),
                LoginError::Invalid
            );
        }
        // Even the right password is refused while throttled.
        assert!(matches!(
            auth.login("petugas1", "antri"),
            Err(LoginError::Throttled(_))
        ));
        // Another user is not affected.
        let (token, csrf, user) = auth.login("petugas2", "antri").unwrap();
        assert_eq!(auth.session_csrf(&token), Some(csrf));
        assert_eq!(user.role, Role::Officer);
        assert!(matches!(
            auth.authenticate(&token),
            Some(Principal::User(_))
        ));
        auth.logout(&token);
        assert_eq!(auth.authenticate(&token), None);
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

    #[test]
    fn hashes_verify() {
        let h = hash_password("rahasia").unwrap();
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(Argon2::default()
            .verify_password(b"rahasia", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"salah", &parsed)
            .is_err());
    }
}
