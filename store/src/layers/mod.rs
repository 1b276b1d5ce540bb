//! The layers shipped with the crate, each for both worlds: [`Retry`] (repeats what is safe to
//! repeat, with jittered backoff), [`Observe`] (`tracing` spans and an event hook), [`Limit`]
//! (a cap on calls and chunk pulls in flight), [`Timeout`] (bounds on calls and chunks, async),
//! [`ReadOnly`] (a view that refuses every operation that changes what is stored) and
//! [`Faults`] (seeded, deterministic fault injection, for testing what runs above). `()` is
//! the layer that changes nothing. Add one with [`Store::layer`](crate::Store::layer)
//! or [`AsyncStore::layer`](crate::AsyncStore::layer); write one with [`Layer`](crate::Layer).

mod faults;
mod limit;
mod observe;
mod read_only;
mod resume;
mod retry;
mod timeout;

pub use self::faults::{Faults, OperationClass};
pub use self::limit::Limit;
pub use self::observe::{Event, Observe};
pub use self::read_only::ReadOnly;
pub use self::retry::Retry;
pub use self::timeout::Timeout;

/// SplitMix64 of `seed` and `n`: a well-spread 64-bit value, the same for the same inputs.
pub(crate) fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `x` as a fraction in [0, 1).
pub(crate) fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}
