<?cs include:"macros.cs" ?><?cs include:"groups/segments-using.cs" ?><?cs set:Page.Title = Lang.Groups.DeleteTitle ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Groups.DeleteTitle ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Group.name ?><?cs var:Lang.Typo.Close ?></h1>
  <?cs if:Page.Group.members > 0 ?>
  <p><strong><?cs var:Page.Group.members ?></strong> <?cs call:plural(Page.Group.members, Lang.Groups.LoseOne, Lang.Groups.LoseMany) ?></p>
  <?cs else ?>
  <p><?cs var:Lang.Groups.NoMembers ?></p>
  <?cs /if ?>
  <p class="muted"><?cs var:Lang.Groups.StayCustomers ?></p>
  <?cs call:segments_using(Lang.Groups.SegmentsUsing) ?>
  <form method="post" action="/admin/groups/<?cs var:Page.Group.id ?>/delete" class="actions">
    <?cs call:csrf_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Groups.DeleteConfirm ?></button>
    <a href="/admin/groups"><?cs var:Lang.Groups.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
