<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Api.Keys.RevokeTitle ?><?cs set:Page.Section = "settings" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Api.Keys.RevokeTitle ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Key.name ?><?cs var:Lang.Typo.Close ?></h1>
  <p><?cs var:Lang.Api.Keys.KeyId ?><?cs var:Lang.Typo.Colon ?> <code><?cs var:Page.Key.public_id ?></code></p>
  <p><?cs if:Page.Key.last_used ?><?cs var:Lang.Api.Keys.LastUsed ?><?cs var:Lang.Typo.Colon ?> <strong><?cs var:Page.Key.last_used ?></strong><?cs else ?><?cs var:Lang.Api.Keys.NeverUsed ?><?cs /if ?></p>
  <p class="alert"><?cs var:Lang.Api.Keys.RevokeWarning ?></p>
  <form method="post" action="/admin/api-keys/<?cs var:Page.Key.id ?>/revoke" class="actions">
    <?cs call:csrf_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Api.Keys.RevokeConfirm ?></button>
    <a href="/admin/api-keys"><?cs var:Lang.Groups.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
