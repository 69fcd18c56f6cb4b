//! « Mot de passe oublié ? » (`/mot-de-passe-oublie`) and the page of the emailed link
//! (`/mot-de-passe?jeton=…`): plain forms posted to their server functions, which answer with
//! the one-time message on the next page, with or without wasm (`auth::reset` has the rules).

use crate::{
    auth::{ChoosePassword, ForgotPassword, reset_link},
    layout::Loaded,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/mot-de-passe-oublie`: the address to send a link to.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text="Mot de passe oublié"/>
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Mot de passe oublié"</h1>
                <p>"Saisissez l'adresse électronique de votre compte : si elle correspond à un compte, vous recevrez un lien pour choisir un nouveau mot de passe, valable une heure."</p>
                <form method="post" action=ForgotPassword::url()>
                    <div class="fr-input-group">
                        <label class="fr-label" for="email">"Adresse électronique"</label>
                        <input class="fr-input" type="email" id="email" name="email" autocomplete="username" required/>
                    </div>
                    <button type="submit" class="fr-btn">"Recevoir un lien"</button>
                </form>
                <p class="fr-mt-3w"><a class="fr-link" href="/connexion">"Retour à la connexion"</a></p>
            </div>
        </div>
    }
}

/// `/mot-de-passe?jeton=…`: the new password, twice, if the link still works.
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("jeton").unwrap_or_default();
    let link = Resource::new_blocking(token, reset_link);
    view! {
        <Title text="Nouveau mot de passe"/>
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Nouveau mot de passe"</h1>
                <Loaded resource=link let:name>
                    <p>{format!("Choisissez le nouveau mot de passe de {name} (10 caractères au moins). Vos autres sessions ouvertes seront fermées.")}</p>
                    <form method="post" action=ChoosePassword::url()>
                        <input type="hidden" name="token" value=token/>
                        <div class="fr-input-group">
                            <label class="fr-label" for="password">"Nouveau mot de passe"</label>
                            <input class="fr-input" type="password" id="password" name="password" autocomplete="new-password" minlength="10" required/>
                        </div>
                        <div class="fr-input-group">
                            <label class="fr-label" for="confirmation">"Le même, pour confirmer"</label>
                            <input class="fr-input" type="password" id="confirmation" name="confirmation" autocomplete="new-password" minlength="10" required/>
                        </div>
                        <button type="submit" class="fr-btn">"Enregistrer le mot de passe"</button>
                    </form>
                </Loaded>
                <p class="fr-mt-3w"><a class="fr-link" href="/mot-de-passe-oublie">"Demander un nouveau lien"</a></p>
            </div>
        </div>
    }
}
