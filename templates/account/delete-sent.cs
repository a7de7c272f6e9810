<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.DeleteTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.DeleteSentTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <p><?cs var:Lang.Account.DeleteSentText ?> <strong class="email"><?cs call:email_text(Page.Email) ?></strong>.</p>
  <form method="post" action="/account/delete/code" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="handle" value="<?cs var:Page.Handle ?>">
    <label for="code"><?cs var:Lang.Account.Code ?></label>
    <input id="code" name="code" class="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="\s*[0-9](\s*[\-.]?\s*[0-9]){5}\s*" maxlength="16" required>
    <button type="submit" class="danger"><?cs var:Lang.Account.DeleteNow ?></button>
  </form>
  <p><a href="/account/"><?cs var:Lang.Account.DeleteCancel ?></a></p>
</section>
<?cs /def ?>
