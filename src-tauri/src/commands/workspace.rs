//! The board, ideas, templates, tags, campaigns, search and undo: translation between IPC and the
//! workspace services of `outpost-app` (all rules live there).

use outpost_app::workspace::{
    Board, BoardColumnView, BoardFilter, CampaignInput, CampaignView, CardRef, Deleted, IdeaInput,
    IdeaView, Label, PostLabels, Promoted, SearchResult, TagView, TemplateValues, TemplateView,
    Undone,
};
use tauri::State;

use crate::dialogs::{self, FileDialog};
use crate::ipc::IpcError;
use crate::shell::Shell;

/// The board: columns (defaults created on first use) and the cards matching the filter.
#[tauri::command]
#[specta::specta]
pub async fn board(shell: State<'_, Shell>, filter: BoardFilter) -> Result<Board, IpcError> {
    Ok(shell.core()?.board(&filter).await?)
}

/// The board's columns in order, with card counts.
#[tauri::command]
#[specta::specta]
pub async fn board_columns(shell: State<'_, Shell>) -> Result<Vec<BoardColumnView>, IpcError> {
    Ok(shell.core()?.board_columns().await?)
}

/// Adds a column at the end; an empty colour picks one.
#[tauri::command]
#[specta::specta]
pub async fn create_board_column(
    shell: State<'_, Shell>,
    name: String,
    colour: String,
) -> Result<BoardColumnView, IpcError> {
    Ok(shell.core()?.create_column(&name, &colour).await?)
}

/// Renames and recolours a column.
#[tauri::command]
#[specta::specta]
pub async fn update_board_column(
    shell: State<'_, Shell>,
    id: String,
    name: String,
    colour: String,
) -> Result<BoardColumnView, IpcError> {
    Ok(shell.core()?.update_column(&id, &name, &colour).await?)
}

/// Moves a column to `index` (0-based); returns the columns in their new order.
#[tauri::command]
#[specta::specta]
pub async fn move_board_column(
    shell: State<'_, Shell>,
    id: String,
    index: u32,
) -> Result<Vec<BoardColumnView>, IpcError> {
    Ok(shell.core()?.move_column(&id, index).await?)
}

/// Deletes a column; its cards move to `move_cards_to` (default: the first remaining column).
#[tauri::command]
#[specta::specta]
pub async fn delete_board_column(
    shell: State<'_, Shell>,
    id: String,
    move_cards_to: Option<String>,
) -> Result<Deleted, IpcError> {
    Ok(shell
        .core()?
        .delete_column(&id, move_cards_to.as_deref())
        .await?)
}

/// Moves a card to `index` in a column (one transaction, positions stay gap-free).
#[tauri::command]
#[specta::specta]
pub async fn move_card(
    shell: State<'_, Shell>,
    card: CardRef,
    column_id: String,
    index: u32,
) -> Result<(), IpcError> {
    Ok(shell.core()?.move_card(&card, &column_id, index).await?)
}

/// Puts a post or idea on the board (end of the column; default the first); returns its column.
#[tauri::command]
#[specta::specta]
pub async fn place_on_board(
    shell: State<'_, Shell>,
    card: CardRef,
    column_id: Option<String>,
) -> Result<String, IpcError> {
    Ok(shell
        .core()?
        .place_on_board(&card, column_id.as_deref())
        .await?)
}

/// Takes a card off the board (the post or idea stays).
#[tauri::command]
#[specta::specta]
pub async fn remove_from_board(shell: State<'_, Shell>, card: CardRef) -> Result<(), IpcError> {
    Ok(shell.core()?.remove_from_board(&card).await?)
}

/// Every idea, newest change first.
#[tauri::command]
#[specta::specta]
pub async fn ideas(shell: State<'_, Shell>) -> Result<Vec<IdeaView>, IpcError> {
    Ok(shell.core()?.ideas().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn idea(shell: State<'_, Shell>, id: String) -> Result<IdeaView, IpcError> {
    Ok(shell.core()?.idea(&id).await?)
}

/// Creates an idea at the end of a column (default: the first).
#[tauri::command]
#[specta::specta]
pub async fn create_idea(
    shell: State<'_, Shell>,
    input: IdeaInput,
    column_id: Option<String>,
) -> Result<IdeaView, IpcError> {
    let core = shell.core()?;
    let input = picked_paths(core, input)?;
    Ok(core.create_idea(&input, column_id.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_idea(
    shell: State<'_, Shell>,
    id: String,
    input: IdeaInput,
) -> Result<IdeaView, IpcError> {
    let core = shell.core()?;
    let input = picked_paths(core, input)?;
    Ok(core.update_idea(&id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_idea(shell: State<'_, Shell>, id: String) -> Result<Deleted, IpcError> {
    Ok(shell.core()?.delete_idea(&id).await?)
}

/// Turns an idea into a draft post (text, attachments, tags, campaign; linked to the idea).
#[tauri::command]
#[specta::specta]
pub async fn promote_idea(shell: State<'_, Shell>, id: String) -> Result<Promoted, IpcError> {
    Ok(shell.core()?.promote_idea(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn templates(shell: State<'_, Shell>) -> Result<Vec<TemplateView>, IpcError> {
    Ok(shell.core()?.templates().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_template(
    shell: State<'_, Shell>,
    name: String,
    body: String,
) -> Result<TemplateView, IpcError> {
    Ok(shell.core()?.create_template(&name, &body).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_template(
    shell: State<'_, Shell>,
    id: String,
    name: String,
    body: String,
) -> Result<TemplateView, IpcError> {
    Ok(shell.core()?.update_template(&id, &name, &body).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_template(shell: State<'_, Shell>, id: String) -> Result<Deleted, IpcError> {
    Ok(shell.core()?.delete_template(&id).await?)
}

/// The template's text with every variable filled; names a missing or unknown variable.
#[tauri::command]
#[specta::specta]
pub async fn fill_template(
    shell: State<'_, Shell>,
    id: String,
    values: TemplateValues,
) -> Result<String, IpcError> {
    Ok(shell.core()?.fill_template(&id, &values).await?)
}

/// The `{{variables}}` of a body being edited (or why it does not parse).
#[tauri::command]
#[specta::specta]
pub fn template_variables(body: String) -> Result<Vec<String>, IpcError> {
    Ok(outpost_app::workspace::template_variables(&body)?)
}

#[tauri::command]
#[specta::specta]
pub async fn tags(shell: State<'_, Shell>) -> Result<Vec<TagView>, IpcError> {
    Ok(shell.core()?.tags().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_tag(
    shell: State<'_, Shell>,
    name: String,
    colour: String,
) -> Result<TagView, IpcError> {
    Ok(shell.core()?.create_tag(&name, &colour).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_tag(
    shell: State<'_, Shell>,
    id: String,
    name: String,
    colour: String,
) -> Result<TagView, IpcError> {
    Ok(shell.core()?.update_tag(&id, &name, &colour).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_tag(shell: State<'_, Shell>, id: String) -> Result<Deleted, IpcError> {
    Ok(shell.core()?.delete_tag(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns(shell: State<'_, Shell>) -> Result<Vec<CampaignView>, IpcError> {
    Ok(shell.core()?.campaigns().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_campaign(
    shell: State<'_, Shell>,
    input: CampaignInput,
) -> Result<CampaignView, IpcError> {
    Ok(shell.core()?.create_campaign(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_campaign(
    shell: State<'_, Shell>,
    id: String,
    input: CampaignInput,
) -> Result<CampaignView, IpcError> {
    Ok(shell.core()?.update_campaign(&id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_campaign(shell: State<'_, Shell>, id: String) -> Result<Deleted, IpcError> {
    Ok(shell.core()?.delete_campaign(&id).await?)
}

/// Replaces a post's tags.
#[tauri::command]
#[specta::specta]
pub async fn set_post_tags(
    shell: State<'_, Shell>,
    post_id: String,
    tag_ids: Vec<String>,
) -> Result<Vec<Label>, IpcError> {
    Ok(shell.core()?.set_post_tags(&post_id, &tag_ids).await?)
}

/// Replaces an idea's tags.
#[tauri::command]
#[specta::specta]
pub async fn set_idea_tags(
    shell: State<'_, Shell>,
    idea_id: String,
    tag_ids: Vec<String>,
) -> Result<Vec<Label>, IpcError> {
    Ok(shell.core()?.set_idea_tags(&idea_id, &tag_ids).await?)
}

/// Sets (or with `null` clears) a post's campaign.
#[tauri::command]
#[specta::specta]
pub async fn set_post_campaign(
    shell: State<'_, Shell>,
    post_id: String,
    campaign_id: Option<String>,
) -> Result<Option<Label>, IpcError> {
    Ok(shell
        .core()?
        .set_post_campaign(&post_id, campaign_id.as_deref())
        .await?)
}

/// Sets (or with `null` clears) an idea's campaign.
#[tauri::command]
#[specta::specta]
pub async fn set_idea_campaign(
    shell: State<'_, Shell>,
    idea_id: String,
    campaign_id: Option<String>,
) -> Result<Option<Label>, IpcError> {
    Ok(shell
        .core()?
        .set_idea_campaign(&idea_id, campaign_id.as_deref())
        .await?)
}

/// A post's tags and campaign.
#[tauri::command]
#[specta::specta]
pub async fn post_labels(shell: State<'_, Shell>, post_id: String) -> Result<PostLabels, IpcError> {
    Ok(shell.core()?.post_labels(&post_id).await?)
}

/// Full-text search across posts, ideas and templates (best first, at most `limit`).
#[tauri::command]
#[specta::specta]
pub async fn search_workspace(
    shell: State<'_, Shell>,
    query: String,
    limit: u32,
) -> Result<Vec<SearchResult>, IpcError> {
    Ok(shell.core()?.search(&query, limit).await?)
}

/// Restores what a delete removed (within the undo window).
#[tauri::command]
#[specta::specta]
pub async fn undo_delete(shell: State<'_, Shell>, undo_token: String) -> Result<Undone, IpcError> {
    Ok(shell.core()?.undo_delete(&undo_token).await?)
}

/// Lets the user choose an image or video to attach (native open dialog); `null` when cancelled.
/// The window gets a token and the file's name, never the path; the file is only read when the
/// idea is saved (`IdeaInput.new_media[].path` carries the token).
#[tauri::command]
#[specta::specta]
pub async fn pick_media_file(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<outpost_app::posts::PickedFile>, IpcError> {
    let core = shell.core()?;
    Ok(dialogs::pick(&app, FileDialog::OpenMedia)
        .await?
        .map(|p| core.grant_picked_file(p)))
}

/// The window names an idea's new attachments by the token [`pick_media_file`] gave it; the core
/// reads paths. An unknown token is refused (files only from the user's hand).
fn picked_paths(core: &outpost_app::Outpost, mut input: IdeaInput) -> Result<IdeaInput, IpcError> {
    for m in &mut input.new_media {
        m.path = core.take_picked_path(&m.path.to_string_lossy())?;
    }
    Ok(input)
}
