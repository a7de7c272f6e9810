<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Groups.EditTitle ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/groups">← <?cs var:Lang.Groups.Back ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Groups.EditTitle ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Group.name ?><?cs var:Lang.Typo.Close ?></h1>
  <p class="muted"><?cs var:Page.Group.members ?> <?cs call:plural(Page.Group.members, Lang.Groups.MemberOne, Lang.Groups.MemberMany) ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/groups/<?cs var:Page.Group.id ?>" class="form">
    <?cs call:csrf_field() ?>
    <?cs include:"groups/fields.cs" ?>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Groups.Save ?></button>
      <a href="/admin/groups"><?cs var:Lang.Groups.Cancel ?></a>
      <a class="danger-link" href="/admin/groups/<?cs var:Page.Group.id ?>/delete"><?cs var:Lang.Groups.Delete ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
