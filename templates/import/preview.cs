<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Preview.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?><div class="import-page">
<p class="crumbs"><a href="/admin/import">← <?cs var:Lang.Import.Title ?></a></p>
<div class="page-head"><h1><?cs var:Lang.Import.Preview.Title ?></h1></div>
<section class="card">
  <p class="import-file"><?cs if:Page.Import.Source == "paste" ?><?cs var:Lang.Import.PastedList ?><?cs else ?><?cs var:Page.Import.FileName ?><?cs /if ?> · <?cs var:Page.Import.RowsText ?> <?cs call:plural(Page.Import.Rows, Lang.Import.RowOne, Lang.Import.RowMany) ?></p>
  <p><?cs var:Lang.Import.Preview.Intro ?></p>
  <ul class="import-counts" id="preview-counts">
    <li class="count-new"><strong><?cs var:Page.Import.Preview.NewText ?></strong> <?cs call:plural(Page.Import.Preview.New, Lang.Import.Counts.NewOne, Lang.Import.Counts.New) ?></li>
    <li class="count-updated"><strong><?cs var:Page.Import.Preview.UpdatedText ?></strong> <?cs call:plural(Page.Import.Preview.Updated, Lang.Import.Counts.UpdatedOne, Lang.Import.Counts.Updated) ?></li>
    <li class="count-unchanged"><strong><?cs var:Page.Import.Preview.UnchangedText ?></strong> <?cs call:plural(Page.Import.Preview.Unchanged, Lang.Import.Counts.UnchangedOne, Lang.Import.Counts.Unchanged) ?></li>
    <li class="count-invalid<?cs if:Page.Import.Preview.Invalid > 0 ?> count-bad<?cs /if ?>"><strong><?cs var:Page.Import.Preview.InvalidText ?></strong> <?cs call:plural(Page.Import.Preview.Invalid, Lang.Import.Counts.InvalidOne, Lang.Import.Counts.Invalid) ?></li>
    <li class="count-duplicate<?cs if:Page.Import.Preview.Duplicate > 0 ?> count-bad<?cs /if ?>"><strong><?cs var:Page.Import.Preview.DuplicateText ?></strong> <?cs call:plural(Page.Import.Preview.Duplicate, Lang.Import.Counts.DuplicateOne, Lang.Import.Counts.Duplicate) ?></li>
  </ul>
  <p><?cs var:Lang.Import.Mode[Page.Import.Mode].Will ?><?cs if:Page.Import.Subscribe == 1 ?> <?cs var:Lang.Import.Subscribe.Will ?><?cs /if ?><?cs if:Page.Import.Welcome == 1 ?> <?cs var:Lang.Import.Welcome.Will ?><?cs /if ?></p>
  <?cs if:Page.HasPassword ?><p class="notice-inline" id="password-note"><?cs var:Lang.Import.PasswordNote ?></p><?cs /if ?>
  <div class="actions">
    <form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/run">
      <?cs call:csrf_field() ?>
      <button type="submit" class="primary"><?cs var:Lang.Import.Preview.Run ?></button>
    </form>
    <a class="button" href="/admin/import/<?cs var:Page.Import.Id ?>?edit=1"><?cs var:Lang.Import.Preview.Change ?></a>
    <form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/delete">
      <?cs call:csrf_field() ?>
      <button type="submit" class="link"><?cs var:Lang.Import.Mapping.Cancel ?></button>
    </form>
  </div>
</section>
<?cs include:"import/errors.cs" ?>
<?cs include:"import/summary.cs" ?>
</div><?cs /def ?>
