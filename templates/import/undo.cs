<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Undo.Confirm.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Import.Undo.Confirm.Title ?></h1>
  <p id="undo-created"><?cs var:Lang.Import.Undo.Confirm.Created ?> <strong><?cs var:Page.Import.Count.NewText ?> <?cs call:plural(Page.Import.Count.New, Lang.Import.Counts.NewOne, Lang.Import.Counts.New) ?></strong><?cs if:Page.Import.FileName ?> (<?cs var:Page.Import.FileName ?>)<?cs /if ?>.</p>
  <p class="alert"><?cs var:Lang.Import.Undo.Confirm.Warning ?></p>
  <form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/undo" class="actions">
    <?cs call:csrf_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Import.Undo.Confirm.Do ?></button>
    <a href="/admin/import/<?cs var:Page.Import.Id ?>"><?cs var:Lang.Import.Undo.Confirm.Keep ?></a>
  </form>
</section>
<?cs /def ?>
