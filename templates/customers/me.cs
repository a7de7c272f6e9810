<?cs include:"macros.cs" ?><?cs include:"customers/language-choice.cs" ?><?cs set:Page.Title = Lang.Me.Title ?><?cs def:content() ?>
<section class="card form-card">
  <h1><?cs var:Lang.Me.Title ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <dl class="facts me">
    <dt><?cs var:Lang.Me.Email ?></dt><dd><?cs call:email_text(Page.Me.email) ?></dd>
    <dt><?cs var:Lang.Team.Role ?></dt><dd><?cs if:Page.Me.role == "owner" ?><?cs var:Lang.Team.Owner ?><?cs else ?><?cs var:Lang.Team.Staff ?><?cs /if ?></dd>
  </dl>
  <form method="post" action="/admin/me" class="form">
    <?cs call:csrf_field() ?>
    <label for="name"><?cs var:Lang.Me.Name ?></label>
    <input id="name" name="name" type="text" maxlength="200" autocomplete="name" value="<?cs var:Page.Form.name ?>">
    <?cs call:field_error("name") ?>
    <label for="language"><?cs var:Lang.Me.Language ?></label>
    <select id="language" name="language" aria-describedby="language-help"><?cs call:language_options(Page.Form.language) ?>
    </select>
    <?cs call:field_error("language") ?>
    <p class="muted" id="language-help"><?cs var:Lang.Me.LanguageHelp ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Me.Save ?></button>
    </div>
  </form>
  <p class="muted"><?cs var:Lang.Me.Password ?> <a href="/admin/login/forgot"><?cs var:Lang.Me.PasswordLink ?></a></p>
</section>
<?cs /def ?>
