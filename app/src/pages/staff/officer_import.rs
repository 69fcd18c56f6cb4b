use super::PostButton;
use crate::{
    layout::Loaded,
    officer_import::{
        ConfirmOfficerImport, DropOfficerImport, ImportPreview, UploadOfficerFile,
        get_import_preview,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

/// `/gestion/officiers/import`: send a CSV, check the preview, import every line or none.
#[component]
pub fn OfficerImportPage() -> impl IntoView {
    let preview = Resource::new(|| (), |_| get_import_preview());
    view! {
        <Title text="Importer des officiers"/>
        <p class="cas-back"><a class="fr-link" href="/gestion/officiers">"← Officiers"</a></p>
        <h1>"Importer des officiers (CSV)"</h1>
        <p>
            "Enregistrez votre tableur au format CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252). "
            "La première ligne nomme les colonnes : "
            <strong>"Nom"</strong> " (ou " <strong>"Prénom"</strong> " et " <strong>"Nom"</strong> "), "
            <strong>"Adresse électronique"</strong> ", " <strong>"Grade"</strong> ", "
            <strong>"Armée ou service"</strong> ", et si vous les avez " <strong>"Téléphone"</strong> " et "
            <strong>"Date de départ"</strong> " (jj/mm/aaaa)."
        </p>
        <p class="cas-note">"Rien n'est importé tant qu'une ligne est refusée ; les comptes créés n'ont pas encore de mot de passe."</p>
        <form method="post" action=UploadOfficerFile::url() enctype="multipart/form-data" class="cas-duplicate">
            <div class="fr-upload-group">
                <label class="fr-label" for="fichier">"Fichier CSV" <span class="fr-hint-text">"2 Mo au plus"</span></label>
                <input class="fr-upload" type="file" id="fichier" name="fichier" accept=".csv,text/csv,text/plain" required/>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary">"Prévisualiser"</button>
        </form>
        <Loaded resource=preview let:data>
            {
                match data {
                    Some(p) => view! { <Preview p/> }.into_any(),
                    None => ().into_any(),
                }
            }
        </Loaded>
    }
}

#[component]
fn Preview(p: ImportPreview) -> impl IntoView {
    let (n, m) = (p.valid.len(), p.rejected.len());
    let summary = format!(
        "« {} » ({}, séparateur « {} ») : {n} ligne(s) prête(s), {m} refusée(s).",
        p.file_name, p.encoding, p.separator
    );
    let action = if m == 0 && n > 0 {
        let label = if n == 1 {
            "Importer 1 officier".to_owned()
        } else {
            format!("Importer {n} officiers")
        };
        view! {
            <form method="post" action=ConfirmOfficerImport::url() class="cas-inline-form">
                <button type="submit" class="fr-btn">{label}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w">
                <p>"Corrigez les lignes refusées dans le fichier puis envoyez-le de nouveau : rien n'a été importé."</p>
            </div>
        }
        .into_any()
    };
    let rejected = (m > 0).then(|| {
        let rows = p
            .rejected
            .into_iter()
            .map(|r| view! { <tr><td>{r.line}</td><td>{r.reason}</td></tr> })
            .collect_view();
        view! {
            <h3 class="fr-h5">"Lignes refusées"</h3>
            <div class="fr-table cas-table">
                <table>
                    <thead><tr><th scope="col">"Ligne"</th><th scope="col">"Motif"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let valid = p
        .valid
        .into_iter()
        .map(|l| {
            view! { <tr><td>{l.line}</td><td>{l.name}</td><td>{l.email}</td><td>{l.grade}</td><td>{l.armee}</td></tr> }
        })
        .collect_view();
    view! {
        <h2 class="fr-h4 fr-mt-5w">"Aperçu"</h2>
        <p id="apercu">{summary}</p>
        <div class="cas-actions">
            {action}
            <PostButton url=DropOfficerImport::url() fields=vec![] label="Abandonner"/>
        </div>
        {rejected}
        <h3 class="fr-h5">"Lignes prêtes"</h3>
        <div class="fr-table cas-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Ligne"</th>
                        <th scope="col">"Nom"</th>
                        <th scope="col">"Adresse électronique"</th>
                        <th scope="col">"Grade"</th>
                        <th scope="col">"Armée ou service"</th>
                    </tr>
                </thead>
                <tbody>{valid}</tbody>
            </table>
        </div>
    }
}
