//! The HTML shell and the routes of product §4.

use crate::{
    assets::DSFR,
    auth::get_current_user,
    layout::{FlashMessage, Footer, Header, NotFound, UserResource},
    pages::{
        catalogue::CataloguePage,
        dashboard::DashboardPage,
        login::LoginPage,
        my_programme::MyProgrammePage,
        my_trainings::MyTrainingsPage,
        notifications::{NotificationsPage, OutboxPage, ProfilePage},
        password_reset::{ForgotPasswordPage, NewPasswordPage},
        session::{InvitationPageView, SessionPageView},
        staff::{
            accounts::StaffAccountsPage,
            fill::FillSessionPage,
            officer::OfficerPageView,
            officer_import::OfficerImportPage,
            officers::{OfficerFormPage, OfficersPage},
            planning::PlanningPage,
            session::{CancelSessionPage, StaffSessionPage},
            session_form::SessionFormPage,
            statistics::StatisticsPage,
            trainings::{TrainingEditPage, TrainingsPage},
        },
    },
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="fr" data-fr-scheme="light">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#000091"/>
                // One stylesheet: the DSFR rules the app uses and its own (style/build.mjs).
                <HashedStylesheet id="leptos" options=options.clone()/>
                <link rel="icon" href=format!("{DSFR}/favicon/favicon.svg") type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                // Installs the service worker and handles the offline state (the pages work
                // without it).
                <script src="/hors-ligne.js" defer></script>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user: UserResource = Resource::new_blocking(|| (), |_| get_current_user());
    provide_context(user);

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Cassiopée".to_owned() } else { format!("{page} – Cassiopée") }
        }/>
        <Router>
            <Header/>
            <main id="contenu" class="fr-container fr-py-4w" role="main">
                // Async: each page is rendered whole before it is sent, so that it reads completely
                // without wasm (no streamed fragments to patch in) and its <title> is in the head.
                <FlashMessage/>
                <Routes fallback=NotFound>
                    <Route path=path!("/connexion") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/mot-de-passe") view=NewPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/formations") view=CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/sessions/:id") view=SessionPageView ssr=SsrMode::Async/>
                    <Route path=path!("/invitations/:token") view=InvitationPageView ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/profil") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/courriels") view=OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/mes-formations") view=MyTrainingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-programme") view=MyProgrammePage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/utilisateurs") view=StaffAccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/officiers") view=OfficersPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/officiers/nouveau") view=OfficerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/officiers/import") view=OfficerImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/officiers/:id") view=OfficerPageView ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/officiers/:id/modifier") view=OfficerFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/formations") view=TrainingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/formations/nouvelle") view=TrainingEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/formations/:id") view=TrainingEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions") view=PlanningPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions/nouvelle") view=SessionFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions/:id") view=StaffSessionPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions/:id/modifier") view=SessionFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions/:id/annuler") view=CancelSessionPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/sessions/:id/remplir") view=FillSessionPage ssr=SsrMode::Async/>
                    <Route path=path!("/gestion/statistiques") view=StatisticsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
            <HydrationMarker/>
        </Router>
    }
}

/// Marks the page as hydrated once the wasm runs (an island, so present on every page): tests
/// wait for it instead of sleeping.
#[island]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
