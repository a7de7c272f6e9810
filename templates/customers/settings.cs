<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Settings.Title ?><?cs set:Page.Section = "settings" ?><?cs def:content() ?>
<section class="card form-card">
  <h1><?cs var:Lang.Settings.Title ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/settings" class="form">
    <?cs call:csrf_field() ?>
    <label for="name"><?cs var:Lang.Settings.Name ?> *</label>
    <input id="name" name="name" type="text" required maxlength="200" value="<?cs var:Page.Form.name ?>">
    <?cs call:field_error("name") ?>
    <label for="language"><?cs var:Lang.Settings.Language ?></label>
    <select id="language" name="language">
      <option value="fr"<?cs if:Page.Form.language == "fr" ?> selected<?cs /if ?>>Français</option>
      <option value="en"<?cs if:Page.Form.language == "en" ?> selected<?cs /if ?>>English</option>
    </select>
    <?cs call:field_error("language") ?>
    <p class="muted"><?cs var:Lang.Settings.LanguageHelp ?></p>
    <div class="two">
      <div>
        <label for="sender_name"><?cs var:Lang.Settings.SenderName ?></label>
        <input id="sender_name" name="sender_name" type="text" maxlength="200" value="<?cs var:Page.Form.sender_name ?>">
        <?cs call:field_error("sender_name") ?>
      </div>
      <div>
        <label for="sender_email"><?cs var:Lang.Settings.SenderEmail ?></label>
        <input id="sender_email" name="sender_email" type="email" maxlength="254" aria-describedby="sender-email-help" value="<?cs var:Page.Form.sender_email ?>">
        <p class="muted" id="sender-email-help"><?cs var:Lang.Settings.SenderEmailHelp ?></p>
        <?cs call:field_error("sender_email") ?>
      </div>
    </div>
    <label for="time_zone"><?cs var:Lang.Settings.TimeZone ?></label>
    <select id="time_zone" name="time_zone">
      <?cs each:z = Page.Zones ?><option value="<?cs var:z ?>"<?cs if:Page.Form.time_zone == z ?> selected<?cs /if ?>><?cs var:z ?></option><?cs /each ?>
    </select>
    <?cs call:field_error("time_zone") ?>
    <p class="muted"><?cs var:Lang.Settings.TimeZoneHelp ?></p>
    <label class="check"><input type="checkbox" id="staff_may_export" name="staff_may_export" value="1"<?cs if:Page.Form.staff_may_export == "1" ?> checked<?cs /if ?>> <span><?cs var:Lang.Settings.StaffMayExport ?></span></label>
    <p class="muted"><?cs var:Lang.Settings.StaffMayExportHelp ?></p>
    <label for="retention_months"><?cs var:Lang.Retention.Label ?></label>
    <input id="retention_months" name="retention_months" type="text" pattern="[0-9]*" maxlength="3" value="<?cs var:Page.Form.retention_months ?>" aria-describedby="retention_help">
    <?cs call:field_error("retention_months") ?>
    <p class="muted" id="retention_help"><?cs var:Lang.Retention.Help ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Settings.Save ?></button>
    </div>
  </form>
  <p class="settings-more"><a href="/admin/team"><?cs var:Lang.Team.SettingsLink ?></a></p>
  <p class="settings-more"><a href="/admin/api-keys"><?cs var:Lang.Api.Keys.SettingsLink ?></a></p>
</section>
<?cs /def ?>
