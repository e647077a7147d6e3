//! Password checks with bounded memory.
//!
//! Argon2 needs its memory cost (19 MiB for the default parameters) for every check. Left to the
//! allocator, parallel checks on many blocking threads leave that much behind in each thread's
//! malloc arena, so a storm of logins grows the server by hundreds of megabytes for good. Here a
//! check borrows its memory from a small pool instead; the pool never holds more buffers than
//! checks ever ran at once, and [`super::Auth`] lets only a few run at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use argon2::password_hash::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// A configured hash that would need more memory than this (in KiB blocks) is not checked: a
/// typo in the config must not make every login allocate gigabytes.
const MAX_BLOCKS: usize = 256 * 1024;

#[derive(Default)]
pub struct Checker {
    pool: Mutex<Vec<Vec<Block>>>,
    checks: AtomicU64,
}

impl Checker {
    /// Does `password` match the PHC string `hash`? Slow on purpose (run it off the async
    /// threads). A malformed hash never matches.
    pub fn verify(&self, hash: &str, password: &str) -> bool {
        self.checks.fetch_add(1, Ordering::Relaxed);
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(parsed.algorithm),
            Params::try_from(&parsed),
        ) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from).transpose() {
            Ok(v) => v.unwrap_or_default(),
            Err(_) => return false,
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
            return false;
        };
        let blocks = params.block_count();
        if blocks > MAX_BLOCKS {
            tracing::error!(
                kib = blocks,
                "a password hash asks for more memory than Antri allows; not checked"
            );
            return false;
        }
        let mut out = vec![0u8; expected.len()];
        let mut memory = self.take(blocks);
        let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut memory[..blocks],
        );
        self.give(memory);
        // `Output`'s equality is constant-time.
        hashed.is_ok() && Output::new(&out).is_ok_and(|o| o == expected)
    }

    /// How many passwords were checked since start (each one is an argon2 run).
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }

    fn take(&self, blocks: usize) -> Vec<Block> {
        let found = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut memory = found.unwrap_or_default();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        memory
    }

    fn give(&self, memory: Vec<Block>) {
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_hashes_made_by_the_library_and_refuses_others() {
        let c = Checker::default();
        let h = super::super::hash_password("rahasia").unwrap();
        assert!(c.verify(&h, "rahasia"));
        assert!(!c.verify(&h, "salah"));
        assert!(!c.verify("not a hash", "rahasia"));
        // Another parameter set (smaller memory) is read from the string itself.
        let small = {
            use argon2::password_hash::{PasswordHasher, SaltString};
            let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap();
            Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(4096, 3, 1, None).unwrap(),
            )
            .hash_password(b"kata sandi", &salt)
            .unwrap()
            .to_string()
        };
        assert!(c.verify(&small, "kata sandi"));
        assert!(!c.verify(&small, "kata sand"));
        assert_eq!(c.checks(), 5);
        // Sequential checks reuse one buffer.
        assert_eq!(c.pool.lock().unwrap().len(), 1);
    }
}
