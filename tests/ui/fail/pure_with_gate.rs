//! A `pure` method with a gate.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure, gate = Read)]
    fn name(&self) -> &'static str;
}

fn main() {}
