<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Groups.Title ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Groups.Title ?></h1>
  <a class="button" href="/admin/tags"><?cs var:Lang.Tags.Title ?></a>
</div>
<p class="muted"><?cs var:Lang.Groups.Intro ?></p>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<?cs if:Page.Count == 0 ?>
<p class="empty"><?cs var:Lang.Groups.None ?></p>
<?cs else ?>
<div class="table-wrap phone-cards">
<table class="list groups phone-cards">
  <thead><tr><th scope="col"><?cs var:Lang.Groups.Name ?></th><th scope="col" class="num"><?cs var:Lang.Groups.Discount ?></th><th scope="col"><?cs var:Lang.Groups.CssClass ?></th><th scope="col" class="num"><?cs var:Lang.Groups.Members ?></th><?cs if:Admin.IsOwner == "1" ?><th scope="col"><?cs var:Lang.Groups.Actions ?></th><?cs /if ?></tr></thead>
  <tbody>
  <?cs each:group = Page.Groups ?>
  <tr><td class="cell-block"><strong><?cs var:group.name ?></strong><?cs if:group.description ?><span class="sub"><?cs var:group.description ?></span><?cs /if ?></td><td class="num" data-label="<?cs var:Lang.Groups.Discount ?>"><?cs if:group.discount_bp > 0 ?><?cs var:group.discount ?> %<?cs else ?>—<?cs /if ?></td><td data-label="<?cs var:Lang.Groups.CssClass ?>"><?cs if:group.css_class ?><code><?cs var:group.css_class ?></code><?cs else ?>—<?cs /if ?></td><td class="num" data-label="<?cs var:Lang.Groups.Members ?>"><?cs var:group.members ?></td><?cs if:Admin.IsOwner == "1" ?><td data-label="<?cs var:Lang.Groups.Actions ?>"><span><a href="/admin/groups/<?cs var:group.id ?>"><?cs var:Lang.Groups.Edit ?></a> · <a href="/admin/groups/<?cs var:group.id ?>/delete"><?cs var:Lang.Groups.Delete ?></a></span></td><?cs /if ?></tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs /if ?>
<?cs if:Admin.IsOwner == "1" ?>
<section class="card form-card">
  <h2><?cs var:Lang.Groups.New ?></h2>
  <form method="post" action="/admin/groups" class="form">
    <?cs call:csrf_field() ?>
    <?cs include:"groups/fields.cs" ?>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Groups.Create ?></button></div>
  </form>
</section>
<?cs else ?>
<p class="muted"><?cs var:Lang.Groups.OwnersOnly ?></p>
<?cs /if ?>
<?cs /def ?>
