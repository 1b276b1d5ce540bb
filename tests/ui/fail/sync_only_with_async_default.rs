//! `async_default` on a `sync_only` method.

#[store::dual_api]
pub trait Api: Send + Sync + 'static {
    #[store(pure)]
    fn name(&self) -> &'static str;
    #[store(sync_only, async_default = ready)]
    fn ping(&self) -> store::Result<()> {
        Ok(())
    }
}

/// The async default the option names.
fn ready<B: AsyncApi + ?Sized>(_backend: &B) -> store::BoxFuture<'_, store::Result<()>> {
    Box::pin(async { Ok(()) })
}

fn main() {}
