//! The layers shipped with the crate, each for both worlds: [`ReadOnly`] (a view that refuses
//! every operation that changes what is stored) and [`Faults`] (seeded, deterministic fault
//! injection, for testing what runs above). Add one with [`Store::layer`](crate::Store::layer)
//! or [`AsyncStore::layer`](crate::AsyncStore::layer); write one with [`Layer`](crate::Layer).

mod faults;
mod read_only;

pub use self::faults::{Faults, OperationClass};
pub use self::read_only::ReadOnly;
