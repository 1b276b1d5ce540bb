//! The expansion of the real definition (`store/src/api.rs`), pretty-printed and compared with
//! the checked-in snapshot, so every change to generated code shows in review.

use quote::ToTokens;

fn expand_real_definition() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src/api.rs");
    let source = std::fs::read_to_string(path).expect("read store/src/api.rs");
    let file = syn::parse_file(&source).expect("api.rs parses");
    let (attr, item) = file
        .items
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
        .expect("api.rs holds a #[dual_api] trait");
    let expanded = crate::expand::dual_api(attr, item.into_token_stream());
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_of_store_api() {
    insta::assert_snapshot!("store_api", expand_real_definition());
}
