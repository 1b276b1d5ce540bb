//! The expansion of the real definition (`store/src/api.rs`), pretty-printed and compared with
//! the checked-in snapshot, so every change to generated code shows in review.

use quote::ToTokens;

/// The `#[dual_api]` trait of `store/src/api.rs`, without the attribute, and its arguments.
fn real_definition() -> (proc_macro2::TokenStream, syn::ItemTrait) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src/api.rs");
    let source = std::fs::read_to_string(path).expect("read store/src/api.rs");
    let file = syn::parse_file(&source).expect("api.rs parses");
    file.items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Trait(mut t) => {
                let pos = t.attrs.iter().position(|a| a.path().is_ident("dual_api"))?;
                let attr = t.attrs.remove(pos);
                let args = match attr.meta {
                    syn::Meta::List(list) => list.tokens,
                    _ => proc_macro2::TokenStream::new(),
                };
                Some((args, t))
            }
            _ => None,
        })
        .expect("api.rs holds a #[dual_api] trait")
}

fn expand_real_definition() -> String {
    let (attr, item) = real_definition();
    let expanded = crate::expand::dual_api(attr, item.into_token_stream());
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

/// What `#[store::backend]` writes for `examples/custom_backend.rs`, fed the real definition
/// as the generated callback macro would.
fn expand_custom_backend() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/custom_backend.rs");
    let source = std::fs::read_to_string(path).expect("read examples/custom_backend.rs");
    let file = syn::parse_file(&source).expect("the example parses");
    let (args, mut item) = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Impl(mut i) => {
                let pos = i.attrs.iter().position(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "backend")
                })?;
                let attr = i.attrs.remove(pos);
                let args = match attr.meta {
                    syn::Meta::List(list) => list.tokens,
                    _ => proc_macro2::TokenStream::new(),
                };
                Some((args, i))
            }
            _ => None,
        })
        .expect("the example holds a #[store::backend] impl");
    item.attrs.clear();
    let (_, definition) = real_definition();
    let input = quote::quote!({ #definition } (#args) #item);
    let expanded = crate::backend::expand(input);
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_of_custom_backend() {
    insta::assert_snapshot!("custom_backend", expand_custom_backend());
}

#[test]
fn expansion_of_store_api() {
    insta::assert_snapshot!("store_api", expand_real_definition());
}
