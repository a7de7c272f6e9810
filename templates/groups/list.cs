<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Groups.Title ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Groups.Title ?></h1>
</div>
<?cs if:Page.Count == 0 ?>
<p class="empty"><?cs var:Lang.Groups.None ?></p>
<?cs else ?>
<div class="table-wrap">
<table class="list groups">
  <thead><tr><th scope="col"><?cs var:Lang.Groups.Name ?></th><th scope="col" class="num"><?cs var:Lang.Groups.Members ?></th></tr></thead>
  <tbody>
  <?cs each:group = Page.Groups ?>
  <tr><td><?cs var:group.name ?></td><td class="num"><?cs var:group.members ?></td></tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs /if ?>
<?cs /def ?>
