//! What surrounds every page: header with navigation, footer, the one-time message, the error
//! views, and [`Loaded`], which every page uses to await its data.

use crate::{
    auth::{CurrentUser, Logout},
    error::{AppError, AppResult},
    flash::take_flash,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use serde::{Serialize, de::DeserializeOwned};
use std::sync::Arc;

/// The current user, fetched once per page load and shared with every component.
pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;

#[component]
pub fn Header() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"Ministère" <br/> "des Armées"</p>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                <a href="/" title="Accueil – Cassiopée">
                                    <p class="fr-header__service-title">"Cassiopée"</p>
                                </a>
                                <p class="fr-header__service-tagline">
                                    "Formations de reconversion – MiRVOG"
                                </p>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
            <Suspense>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|u| view! { <Navigation user=u/> })
                })}
            </Suspense>
        </header>
    }
}

/// The main navigation for the user's role, always visible (no script needed on a phone).
#[component]
fn Navigation(user: CurrentUser) -> impl IntoView {
    let location = use_location();
    let links: Vec<(&'static str, &'static str)> = if user.role.is_staff() {
        let mut links = vec![
            ("/gestion", "Tableau de bord"),
            ("/gestion/sessions", "Sessions"),
            ("/gestion/formations", "Formations"),
            ("/gestion/officiers", "Officiers"),
            ("/gestion/statistiques", "Statistiques"),
            ("/formations", "Catalogue"),
        ];
        if user.role == crate::model::Role::Admin {
            links.push(("/admin/utilisateurs", "Comptes"));
            links.push(("/admin/courriels", "Courriels"));
        }
        links
    } else {
        vec![
            ("/formations", "Formations"),
            ("/mes-formations", "Mes formations"),
            ("/mon-programme", "Mon programme"),
        ]
    };
    let items = links
        .into_iter()
        .map(|(href, label)| {
            let current = move || {
                let path = location.pathname.get();
                // `/gestion` is the dashboard only; its sub-pages have their own links.
                let under = href != "/gestion" && path.starts_with(&format!("{href}/"));
                (path == href || under).then_some("page")
            };
            view! {
                <li class="cas-nav__item">
                    <a class="cas-nav__link" href=href aria-current=current>{label}</a>
                </li>
            }
        })
        .collect_view();
    let unread = user.unread;
    let count = (unread > 0).then(|| {
        let label = if unread == 1 { "1 non lue".to_owned() } else { format!("{unread} non lues") };
        let title = label.clone();
        view! { <span class="cas-nav__count" title=title><span aria-hidden="true">{unread}</span><span class="fr-sr-only">{label}</span></span> }
    });
    let notifications_current =
        move || (location.pathname.get() == "/notifications").then_some("page");
    view! {
        <nav class="cas-nav" role="navigation" aria-label="Menu principal">
            <div class="fr-container cas-nav__row">
                <ul class="cas-nav__list">
                    {items}
                    <li class="cas-nav__item">
                        <a class="cas-nav__link" href="/notifications" id="lien-notifications" aria-current=notifications_current>"Notifications" " " {count}</a>
                    </li>
                </ul>
                <div class="cas-nav__user">
                    <a class="cas-nav__name" href="/profil" title="Profil et préférences">{user.display_name}</a>
                    <form method="post" action=Logout::url() class="cas-nav__logout">
                        <button type="submit" class="fr-link">"Se déconnecter"</button>
                    </form>
                </div>
            </div>
        </nav>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="fr-footer" role="contentinfo">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand fr-enlarge-link">
                        <p class="fr-logo">"Ministère" <br/> "des Armées"</p>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">
                            "Cassiopée est le service de la Mission de reconversion des officiers généraux (MiRVOG) pour suivre et réserver les formations de reconversion."
                        </p>
                    </div>
                </div>
            </div>
        </footer>
    }
}

/// How a page shows an error it received from the server.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    match error {
        AppError::Forbidden => view! { <Forbidden/> }.into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        AppError::NotLoggedIn => view! {
            <Title text="Connexion requise"/>
            <div class="fr-alert fr-alert--info">
                <h1 class="fr-alert__title">"Connexion requise"</h1>
                <p>
                    "Votre session a expiré. " <a href="/connexion">"Se connecter"</a>
                </p>
            </div>
        }
        .into_any(),
        other => view! { <ErrorAlert error=other/> }.into_any(),
    }
}

/// A refused or failed action, shown next to what caused it.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    view! {
        <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">
            <p>{error.to_string()}</p>
        </div>
    }
}

#[component]
pub fn SuccessAlert(message: String) -> impl IntoView {
    view! {
        <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status">
            <p>{message}</p>
        </div>
    }
}

/// The French 403 page; the server's middleware sets the status code.
#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <Title text="Accès refusé"/>
        <div class="cas-error">
            <h1>"Accès refusé"</h1>
            <p class="fr-text--lead">"Vous n'avez pas les droits nécessaires pour ouvrir cette page."</p>
            <p>"Si vous pensez qu'il s'agit d'une erreur, contactez la MiRVOG."</p>
            <a class="fr-btn" href="/">"Retour à l'accueil"</a>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page introuvable"/>
        <div class="cas-error">
            <h1>"Page introuvable"</h1>
            <p class="fr-text--lead">"La page que vous cherchez n'existe pas ou a été déplacée."</p>
            <a class="fr-btn" href="/">"Retour à l'accueil"</a>
        </div>
    }
}

/// The loading state of a page section.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="cas-loading" aria-busy="true">"Chargement…"</p> }
}

/// Awaits a page's data, then shows it through `children`; while it loads, « Chargement… »; an
/// error from the server becomes the page's error view (403, 404, login, or the French message).
#[component]
pub fn Loaded<T, V, F>(resource: Resource<AppResult<T>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // The page's view type is erased here, at once: inside, only `T` is generic, which keeps
    // the type names (and the debug information) of every page small.
    await_then_show(resource, Arc::new(move |data| children(data).into_any()))
}

type Show<T> = Arc<dyn Fn(T) -> AnyView + Send + Sync>;

fn await_then_show<T>(resource: Resource<AppResult<T>>, show: Show<T>) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    view! {
        <Suspense fallback=Loading>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => show(data),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Shows the pending message once, above the page.
#[component]
pub fn FlashMessage() -> impl IntoView {
    let flash = Resource::new_blocking(|| (), |_| take_flash());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                flash.await.ok().flatten().map(|f| {
                    let class = if f.success {
                        "fr-alert fr-alert--success fr-alert--sm fr-mb-3w"
                    } else {
                        "fr-alert fr-alert--error fr-alert--sm fr-mb-3w"
                    };
                    let role = if f.success { "status" } else { "alert" };
                    view! { <div class=class role=role id="message"><p>{f.message}</p></div> }
                })
            })}
        </Suspense>
    }
}
