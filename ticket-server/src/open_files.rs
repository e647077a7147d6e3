//! Open files for the connections the server promises.
//!
//! Every connection is an open file, and phones hold theirs for the whole visit (the tracking
//! page's live stream): 2,000 phones and the building's devices need more than the 1,024 open
//! files a process gets by default. At start the server raises its own soft limit as far as the
//! hard limit allows (the systemd unit sets both with `LimitNOFILE`); if even that is too few, it
//! says so and serves fewer connections at once rather than run out of files for its database.

use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

/// Open files kept for everything but connections: the database and its WAL, readers on the
/// blocking threads, logs.
pub const RESERVE: u64 = 512;

/// What to do about the limit.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// Raise the soft limit to this.
    pub raise_to: Option<u64>,
    /// Connections per listener the limit allows (at most the configured number).
    pub connections: usize,
    /// Why fewer connections than configured, for the log.
    pub warning: Option<String>,
}

/// `wanted` connections on each of `listeners`, under the soft and hard limits (`None`: unlimited).
pub fn plan(wanted: usize, listeners: usize, soft: Option<u64>, hard: Option<u64>) -> Plan {
    let listeners = listeners.max(1) as u64;
    let needed = (wanted as u64)
        .saturating_mul(listeners)
        .saturating_add(RESERVE);
    let soft = soft.unwrap_or(u64::MAX);
    let hard = hard.unwrap_or(u64::MAX);
    let raise_to = (soft < needed && hard > soft).then(|| needed.min(hard));
    let limit = raise_to.unwrap_or(soft);
    if limit >= needed {
        return Plan {
            raise_to,
            connections: wanted,
            warning: None,
        };
    }
    let connections = (limit.saturating_sub(RESERVE) / listeners).max(1) as usize;
    Plan {
        raise_to,
        connections: connections.min(wanted),
        warning: Some(format!(
            "open files are limited to {limit} (hard limit {hard}): serving at most {connections} \
             connections per listener instead of {wanted}; raise LimitNOFILE (systemd) or \
             `ulimit -n` to at least {needed}"
        )),
    }
}

/// Raise this process's soft limit for `wanted` connections on each of `listeners`; the number of
/// connections per listener to serve.
pub fn fit(wanted: usize, listeners: usize) -> usize {
    let now = getrlimit(Resource::Nofile);
    let mut p = plan(wanted, listeners, now.current, now.maximum);
    if let Some(to) = p.raise_to {
        if let Err(e) = set_soft(to, now.maximum) {
            p = plan(wanted, listeners, now.current, now.current);
            tracing::warn!(error = %e, "could not raise the open files limit");
        }
    }
    if let Some(w) = &p.warning {
        tracing::warn!("{w}");
    }
    p.connections
}

/// Raise this process's soft limit of open files to `needed`, or as far as the hard limit allows
/// (for a load generator holding thousands of connections); the soft limit then (`None`:
/// unlimited).
pub fn raise_soft_limit(needed: u64) -> Option<u64> {
    let now = getrlimit(Resource::Nofile);
    let soft = now.current?;
    let to = needed.min(now.maximum.unwrap_or(u64::MAX));
    if soft >= to || set_soft(to, now.maximum).is_err() {
        return Some(soft);
    }
    Some(to)
}

fn set_soft(to: u64, hard: Option<u64>) -> std::io::Result<()> {
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(to),
            maximum: hard,
        },
    )
    .map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_is_raised_as_far_as_needed_and_allowed() {
        // The systemd unit's 65536: enough, nothing to raise.
        assert_eq!(
            plan(4096, 2, Some(65_536), Some(65_536)),
            Plan {
                raise_to: None,
                connections: 4096,
                warning: None
            }
        );
        // A shell's 1024 under a generous hard limit: raised to exactly what is needed.
        assert_eq!(
            plan(4096, 1, Some(1024), Some(524_288)),
            Plan {
                raise_to: Some(4096 + RESERVE),
                connections: 4096,
                warning: None
            }
        );
        // Unlimited: nothing to do.
        assert_eq!(plan(4096, 2, None, None).connections, 4096);
    }

    #[test]
    fn too_low_a_hard_limit_serves_fewer_connections_and_says_why() {
        let p = plan(4096, 2, Some(1024), Some(4096));
        assert_eq!(p.raise_to, Some(4096));
        assert_eq!(p.connections, (4096 - RESERVE as usize) / 2);
        assert!(p.warning.unwrap().contains("at least 8704"));
        // Below the reserve still serves one connection, never none.
        assert_eq!(plan(4096, 1, Some(100), Some(100)).connections, 1);
    }
}
