<?cs include:"macros.cs" ?><?cs include:"groups/segments-using.cs" ?><?cs set:Page.Title = Lang.Tags.DeleteTitle ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Tags.DeleteTitle ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Tag.name ?><?cs var:Lang.Typo.Close ?></h1>
  <?cs if:Page.Tag.members > 0 ?>
  <p><strong><?cs var:Page.Tag.members ?></strong> <?cs call:plural(Page.Tag.members, Lang.Tags.LoseOne, Lang.Tags.LoseMany) ?></p>
  <?cs else ?>
  <p><?cs var:Lang.Tags.NoMembers ?></p>
  <?cs /if ?>
  <?cs call:segments_using(Lang.Tags.SegmentsUsing) ?>
  <form method="post" action="/admin/tags/<?cs var:Page.Tag.id ?>/delete" class="actions">
    <?cs call:csrf_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Tags.DeleteConfirm ?></button>
    <a href="/admin/tags"><?cs var:Lang.Groups.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
