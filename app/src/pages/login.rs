use crate::{auth::Login, layout::ErrorAlert};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/connexion`. A plain HTML form posted to the login server function: the same request with
/// or without wasm, followed by a full page load as the logged-in user. The current user is read
/// by the header only: one resource read in two `<Suspense>` can stall a Leptos 0.8 render.
#[component]
pub fn LoginPage() -> impl IntoView {
    // Reads the error the server put in the URL after a failed attempt.
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // After a refused attempt the server sends the typed address back.
    let email = move || query.read().get("email").unwrap_or_default();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|error| view! { <ErrorAlert error/> })
    };

    view! {
        <Title text="Connexion"/>
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Connexion à Cassiopée"</h1>
                {error}
                <form method="post" action=Login::url() class="cas-login">
                    <input type="hidden" name="next" value=next/>
                    <div class="fr-input-group">
                        <label class="fr-label" for="email">"Adresse électronique"</label>
                        <input class="fr-input" type="email" id="email" name="email" autocomplete="username" required value=email/>
                    </div>
                    <div class="fr-input-group">
                        <label class="fr-label" for="password">"Mot de passe"</label>
                        <input class="fr-input" type="password" id="password" name="password" autocomplete="current-password" required/>
                    </div>
                    <button type="submit" class="fr-btn">"Se connecter"</button>
                </form>
                <p class="fr-mt-3w"><a class="fr-link" href="/mot-de-passe-oublie">"Mot de passe oublié ?"</a></p>
            </div>
        </div>
    }
}
