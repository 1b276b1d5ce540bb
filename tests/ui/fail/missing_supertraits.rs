//! Backends are shared behind `Arc`: the trait must be `Send + Sync + 'static`.

#[store::dual_api]
pub trait Api: Send {
    #[store(pure)]
    fn name(&self) -> &'static str;
}

fn main() {}
