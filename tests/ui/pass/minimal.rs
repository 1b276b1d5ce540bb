//! The smallest definition `#[dual_api]` accepts.
//!
//! `name` is required today: the generated `Debug` impl of the adapter (and the adapter's
//! `Result<ReadStream>` methods) call `<B as Trait>::name`, so a definition without a pure
//! `fn name(&self) -> &'static str` does not compile.

#[store::dual_api]
pub trait Minimal: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
}

fn main() {}
