//! A `&mut self` receiver: backends are shared behind `Arc`.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    fn f(&mut self) -> store::Result<()>;
}

fn main() {}
