use crate::{app::UserResource, layout::Loading, model::Role};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/`: the server's middleware redirects to the role's home page; this covers client-side
/// navigation to `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let path = match user.await.ok().flatten() {
                    Some(u) if u.role == Role::Officer => "/formations",
                    Some(_) => "/gestion",
                    None => "/connexion",
                };
                view! { <Redirect path=path/> }
            })}
        </Suspense>
    }
}
