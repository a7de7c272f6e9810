<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Api.Keys.Title ?><?cs set:Page.Section = "settings" ?><?cs def:content() ?>
<section class="card">
  <h1><?cs var:Lang.Api.Keys.Title ?></h1>
  <p class="muted"><?cs var:Lang.Api.Keys.Intro ?></p>
  <?cs if:Page.New.secret ?>
  <div class="api-secret" role="status">
    <p><strong><?cs var:Lang.Api.Keys.Created ?></strong> <?cs var:Lang.Api.Keys.Once ?></p>
    <dl class="api-key-new">
      <dt><?cs var:Lang.Api.Keys.Name ?></dt><dd><?cs var:Page.New.name ?></dd>
      <dt><?cs var:Lang.Api.Keys.KeyId ?></dt><dd><code id="new-key-id"><?cs var:Page.New.public_id ?></code></dd>
      <dt><?cs var:Lang.Api.Keys.Secret ?></dt><dd><code id="new-key-secret" class="secret"><?cs var:Page.New.secret ?></code></dd>
    </dl>
  </div>
  <?cs /if ?>
  <?cs if:Page.KeyCount == 0 ?>
  <p class="empty"><?cs var:Lang.Api.Keys.None ?></p>
  <?cs else ?>
  <table class="list api-keys phone-cards">
    <thead><tr>
      <th scope="col"><?cs var:Lang.Api.Keys.Name ?></th>
      <th scope="col"><?cs var:Lang.Api.Keys.KeyId ?></th>
      <th scope="col"><?cs var:Lang.Api.Keys.CreatedAt ?></th>
      <th scope="col"><?cs var:Lang.Api.Keys.LastUsed ?></th>
      <th scope="col"><?cs var:Lang.Api.Keys.State ?></th>
    </tr></thead>
    <tbody>
    <?cs each:key = Page.Keys ?>
    <tr class="<?cs if:key.revoked ?>revoked<?cs else ?>live<?cs /if ?>">
      <td data-label="<?cs var:Lang.Api.Keys.Name ?>"><?cs var:key.name ?></td>
      <td data-label="<?cs var:Lang.Api.Keys.KeyId ?>"><code><?cs var:key.public_id ?></code></td>
      <td data-label="<?cs var:Lang.Api.Keys.CreatedAt ?>"><?cs var:key.created ?></td>
      <td data-label="<?cs var:Lang.Api.Keys.LastUsed ?>"><?cs if:key.last_used ?><?cs var:key.last_used ?><?cs else ?><?cs var:Lang.Api.Keys.Never ?><?cs /if ?></td>
      <td data-label="<?cs var:Lang.Api.Keys.State ?>"><?cs if:key.revoked ?><?cs var:Lang.Api.Keys.RevokedAt ?> <?cs var:key.revoked ?><?cs else ?>
        <a href="/admin/api-keys/<?cs var:key.id ?>/revoke" aria-label="<?cs var:Lang.Api.Keys.Revoke ?> <?cs var:key.name ?>"><?cs var:Lang.Api.Keys.Revoke ?></a><?cs /if ?></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs /if ?>
</section>
<section class="card form-card">
  <h2><?cs var:Lang.Api.Keys.New ?></h2>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/api-keys" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="once" value="<?cs var:Page.Once ?>">
    <label for="name"><?cs var:Lang.Api.Keys.Name ?> *</label>
    <input id="name" name="name" type="text" required maxlength="200" value="<?cs if:!Page.New.secret ?><?cs var:Page.Form.name ?><?cs /if ?>">
    <?cs call:field_error("name") ?>
    <p class="muted"><?cs var:Lang.Api.Keys.NameHelp ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Api.Keys.Create ?></button>
    </div>
  </form>
  <p class="muted"><?cs var:Lang.Api.Keys.Docs ?></p>
</section>
<?cs /def ?>
