<?cs include:"macros.cs" ?><?cs include:"customers/language-choice.cs" ?><?cs set:Page.Title = Lang.Team.Title ?><?cs set:Page.Section = "settings" ?><?cs def:content() ?>
<section class="card">
  <h1><?cs var:Lang.Team.Title ?></h1>
  <p class="muted"><?cs var:Lang.Team.Intro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs if:Page.MessageAbout ?><strong><?cs var:Page.MessageAbout ?></strong> · <?cs /if ?><?cs var:Page.Message ?></p><?cs /if ?>
  <table class="list team phone-cards">
    <thead><tr>
      <th scope="col"><?cs var:Lang.Team.Person ?></th>
      <th scope="col"><?cs var:Lang.Team.Role ?></th>
      <th scope="col"><?cs var:Lang.Team.LastSignIn ?></th>
      <th scope="col"><span class="visually-hidden"><?cs var:Lang.Team.Disable ?></span></th>
    </tr></thead>
    <tbody>
    <?cs each:a = Page.Team ?>
    <tr class="<?cs if:a.disabled == "1" ?>disabled<?cs else ?>enabled<?cs /if ?>">
      <td data-label="<?cs var:Lang.Team.Person ?>"><span><?cs if:a.name ?><strong><?cs var:a.name ?></strong><br><?cs /if ?><?cs call:email_text(a.email) ?><?cs if:a.self == "1" ?> <span class="muted">(<?cs var:Lang.Team.You ?>)</span><?cs /if ?></span></td>
      <td data-label="<?cs var:Lang.Team.Role ?>"><span><?cs if:a.role == "owner" ?><?cs var:Lang.Team.Owner ?><?cs else ?><?cs var:Lang.Team.Staff ?><?cs /if ?><?cs if:a.self != "1" && a.disabled != "1" ?>
        <form method="post" action="/admin/team/<?cs var:a.id ?>/role" class="role-change"><?cs call:csrf_field() ?><input type="hidden" name="role" value="<?cs if:a.role == "owner" ?>staff<?cs else ?>owner<?cs /if ?>"><button type="submit" class="link" aria-label="<?cs if:a.role == "owner" ?><?cs var:Lang.Team.MakeStaff ?><?cs else ?><?cs var:Lang.Team.MakeOwner ?><?cs /if ?> <?cs var:a.email ?>"><?cs if:a.role == "owner" ?><?cs var:Lang.Team.MakeStaff ?><?cs else ?><?cs var:Lang.Team.MakeOwner ?><?cs /if ?></button></form><?cs /if ?></span></td>
      <td data-label="<?cs var:Lang.Team.LastSignIn ?>"><?cs if:a.disabled == "1" ?><span class="status status-blocked"><?cs var:Lang.Team.Disabled ?></span><?cs elif:a.last ?><?cs var:a.last ?><?cs elif:a.invited == "1" ?><span><?cs var:Lang.Team.Invited ?>
        <form method="post" action="/admin/team/<?cs var:a.id ?>/invite" class="role-change"><?cs call:csrf_field() ?><button type="submit" class="link" aria-label="<?cs var:Lang.Team.InviteAgain ?> <?cs var:a.email ?>"><?cs var:Lang.Team.InviteAgain ?></button></form></span><?cs else ?><?cs var:Lang.Team.Never ?><?cs /if ?></td>
      <td><?cs if:a.self != "1" ?><form method="post" action="/admin/team/<?cs var:a.id ?>/<?cs if:a.disabled == "1" ?>enable<?cs else ?>disable<?cs /if ?>" class="inline"><?cs call:csrf_field() ?><button type="submit" class="link" aria-label="<?cs if:a.disabled == "1" ?><?cs var:Lang.Team.Enable ?><?cs else ?><?cs var:Lang.Team.Disable ?><?cs /if ?> <?cs var:a.email ?>"><?cs if:a.disabled == "1" ?><?cs var:Lang.Team.Enable ?><?cs else ?><?cs var:Lang.Team.Disable ?><?cs /if ?></button></form><?cs /if ?></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <p class="muted"><?cs var:Lang.Team.DisableHelp ?></p>
</section>
<section class="card form-card">
  <h2><?cs var:Lang.Team.InviteTitle ?></h2>
  <form method="post" action="/admin/team" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Team.Email ?> *</label>
    <input id="email" name="email" type="email" required maxlength="254" value="<?cs var:Page.Form.email ?>">
    <?cs call:field_error("email") ?>
    <label for="name"><?cs var:Lang.Team.Name ?></label>
    <input id="name" name="name" type="text" maxlength="200" value="<?cs var:Page.Form.name ?>">
    <?cs call:field_error("name") ?>
    <label for="role"><?cs var:Lang.Team.Role ?></label>
    <select id="role" name="role">
      <option value="staff"<?cs if:Page.Form.role != "owner" ?> selected<?cs /if ?>><?cs var:Lang.Team.Staff ?></option>
      <option value="owner"<?cs if:Page.Form.role == "owner" ?> selected<?cs /if ?>><?cs var:Lang.Team.Owner ?></option>
    </select>
    <?cs call:field_error("role") ?>
    <label for="language"><?cs var:Lang.Team.Language ?></label>
    <select id="language" name="language" aria-describedby="language-help"><?cs call:language_options(Page.Form.language) ?>
    </select>
    <?cs call:field_error("language") ?>
    <p class="muted" id="language-help"><?cs var:Lang.Team.LanguageHelp ?></p>
    <p class="muted"><?cs var:Lang.Team.InviteHelp ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Team.Invite ?></button>
    </div>
  </form>
</section>
<?cs /def ?>
