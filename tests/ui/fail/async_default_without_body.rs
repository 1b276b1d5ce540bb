//! `async_default` without a blocking default body.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(async_default = ready)]
    fn ping(&self) -> store::Result<()>;
}

/// The async default the option names.
fn ready<B: AsyncApi + ?Sized>(_backend: &B) -> store::BoxFuture<'_, store::Result<()>> {
    Box::pin(async { Ok(()) })
}

fn main() {}
