<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Tags.Title ?><?cs set:Page.Section = "groups" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Tags.Title ?></h1>
  <a class="button" href="/admin/groups"><?cs var:Lang.Groups.Title ?></a>
</div>
<p class="muted"><?cs var:Lang.Tags.Intro ?> <strong><?cs var:Page.Count ?> / <?cs var:Page.Max ?></strong></p>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<?cs if:Page.Count == 0 ?>
<p class="empty"><?cs var:Lang.Tags.None ?></p>
<?cs else ?>
<div class="table-wrap phone-cards">
<table class="list tags phone-cards">
  <thead><tr><th scope="col"><?cs var:Lang.Tags.Name ?></th><th scope="col" class="num"><?cs var:Lang.Tags.Customers ?></th><th scope="col"><?cs var:Lang.Tags.Rename ?></th><th scope="col"><?cs var:Lang.Groups.Actions ?></th></tr></thead>
  <tbody>
  <?cs each:tag = Page.Tags ?>
  <tr><td data-label="<?cs var:Lang.Tags.Name ?>"><span class="tag"><?cs var:tag.name ?></span></td><td class="num" data-label="<?cs var:Lang.Tags.Customers ?>"><?cs var:tag.members ?></td>
    <td class="cell-block" data-label="<?cs var:Lang.Tags.Rename ?>"><form method="post" action="/admin/tags/<?cs var:tag.id ?>/rename" class="inline-form"><?cs call:csrf_field() ?><label class="visually-hidden" for="rename-<?cs var:tag.id ?>"><?cs var:Lang.Tags.NewName ?></label><input id="rename-<?cs var:tag.id ?>" name="name" type="text" maxlength="50" required value="<?cs var:tag.name ?>"> <button type="submit"><?cs var:Lang.Tags.Rename ?></button></form></td>
    <td data-label="<?cs var:Lang.Groups.Actions ?>"><a href="/admin/tags/<?cs var:tag.id ?>/delete"><?cs var:Lang.Tags.Delete ?></a></td></tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs if:Page.Count > 1 ?>
<section class="card form-card">
  <h2><?cs var:Lang.Tags.MergeTitle ?></h2>
  <p class="muted"><?cs var:Lang.Tags.MergeHelp ?></p>
  <form method="post" action="/admin/tags/merge" class="form">
    <?cs call:csrf_field() ?>
    <div class="two">
      <div><label for="merge-from"><?cs var:Lang.Tags.MergeFrom ?></label>
        <select id="merge-from" name="from" required><option value="">—</option><?cs each:tag = Page.Tags ?><option value="<?cs var:tag.id ?>"><?cs var:tag.name ?> (<?cs var:tag.members ?>)</option><?cs /each ?></select></div>
      <div><label for="merge-into"><?cs var:Lang.Tags.MergeInto ?></label>
        <select id="merge-into" name="into" required><option value="">—</option><?cs each:tag = Page.Tags ?><option value="<?cs var:tag.id ?>"><?cs var:tag.name ?> (<?cs var:tag.members ?>)</option><?cs /each ?></select></div>
    </div>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Tags.Merge ?></button></div>
  </form>
</section>
<?cs /if ?>
<?cs /if ?>
<?cs /def ?>
