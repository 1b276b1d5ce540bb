//! A layer with hooks of `Layer` and operations taken in both worlds, as `impl Layer for`.
use store::{AsyncBackend, Backend, Capabilities, Capability, Layer, Result, StorePath};

struct NoGlobAudit;

#[store::layer]
impl Layer for NoGlobAudit {
    fn capabilities(&self, inner: Capabilities) -> Capabilities {
        inner.without(Capability::Glob)
    }

    fn exists(&self, inner: &impl Backend, path: &StorePath) -> Result<bool> {
        inner.exists(path)
    }

    async fn exists(&self, inner: &impl AsyncBackend, path: &StorePath) -> Result<bool> {
        inner.exists(path).await
    }
}

fn main() {
    let store = store::Store::new(store::MemoryBackend::new()).layer(NoGlobAudit);
    assert!(!store.exists("a").unwrap());
    assert!(store.glob("*").is_err());
}
