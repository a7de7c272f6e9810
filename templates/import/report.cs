<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Report.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?><div class="import-page">
<p class="crumbs"><a href="/admin/import">← <?cs var:Lang.Import.Title ?></a></p>
<div class="page-head"><h1><?cs var:Lang.Import.Report.Title ?></h1></div>
<section class="card">
  <p class="job-state" role="status" id="import-state"><strong><?cs if:Page.Import.PreviewFailed ?><?cs var:Lang.Import.Report.PreviewFailed ?><?cs else ?><?cs var:Lang.Import.Report.State[Page.Import.State] ?><?cs /if ?></strong></p>
  <?cs if:Page.Import.Error ?><p class="alert" id="import-error"><?cs if:Page.Import.PreviewFailed ?><?cs var:Lang.Import.Mapping.PreviewFailed ?> <?cs /if ?><?cs if:Lang.ImportJob.Failure[Page.Import.Error] ?><?cs var:Lang.ImportJob.Failure[Page.Import.Error] ?><?cs else ?><?cs var:Lang.ImportJob.Failure.error ?><?cs /if ?></p><?cs /if ?>
  <?cs if:Page.Import.PreviewFailed ?>
  <div class="actions"><a class="button primary" href="/admin/import"><?cs var:Lang.Import.Report.SendAgain ?></a></div>
  <?cs else ?>
  <?cs if:Page.Import.State == "undone" ?>
  <ul class="import-counts" id="undo-counts">
    <li><strong><?cs var:Page.Import.Undo.RemovedText ?></strong> <?cs call:plural(Page.Import.Undo.Removed, Lang.Import.Undo.RemovedOne, Lang.Import.Undo.Removed) ?></li>
    <li><strong><?cs var:Page.Import.Undo.KeptText ?></strong> <?cs call:plural(Page.Import.Undo.Kept, Lang.Import.Undo.KeptOne, Lang.Import.Undo.Kept) ?></li>
  </ul>
  <?cs if:Page.Import.Undo.Kept > 0 ?><p class="muted"><?cs call:plural(Page.Import.Undo.Kept, Lang.Import.Undo.KeptWhyOne, Lang.Import.Undo.KeptWhy) ?></p><?cs /if ?>
  <?cs /if ?>
  <?cs if:Page.Import.State == "undone" ?><p class="muted"><?cs var:Lang.Import.Report.BeforeUndo ?></p><?cs /if ?>
  <ul class="import-counts" id="run-counts">
    <li class="count-new"><strong><?cs var:Page.Import.Count.NewText ?></strong> <?cs call:plural(Page.Import.Count.New, Lang.Import.Counts.CreatedOne, Lang.Import.Counts.Created) ?></li>
    <li class="count-updated"><strong><?cs var:Page.Import.Count.UpdatedText ?></strong> <?cs call:plural(Page.Import.Count.Updated, Lang.Import.Counts.UpdatedOne, Lang.Import.Counts.Updated) ?></li>
    <li class="count-unchanged"><strong><?cs var:Page.Import.Count.UnchangedText ?></strong> <?cs call:plural(Page.Import.Count.Unchanged, Lang.Import.Counts.UnchangedOne, Lang.Import.Counts.Unchanged) ?></li>
    <li class="count-invalid<?cs if:Page.Import.Count.Invalid > 0 ?> count-bad<?cs /if ?>"><strong><?cs var:Page.Import.Count.InvalidText ?></strong> <?cs call:plural(Page.Import.Count.Invalid, Lang.Import.Counts.InvalidOne, Lang.Import.Counts.Invalid) ?></li>
    <li class="count-duplicate<?cs if:Page.Import.Count.Duplicate > 0 ?> count-bad<?cs /if ?>"><strong><?cs var:Page.Import.Count.DuplicateText ?></strong> <?cs call:plural(Page.Import.Count.Duplicate, Lang.Import.Counts.DuplicateOne, Lang.Import.Counts.Duplicate) ?></li>
  </ul>
  <div class="actions">
    <?cs if:Page.Import.Count.New > 0 && Page.Import.State == "done" ?><a class="button primary" id="see-new" href="/admin/customers?import=<?cs var:Page.Import.Id ?>"><?cs var:Lang.Import.Report.SeeNew ?></a><?cs elif:Page.Import.State == "undone" && Page.Import.Undo.Kept > 0 ?><a class="button primary" id="see-kept" href="/admin/customers?import=<?cs var:Page.Import.Id ?>"><?cs if:Page.Import.Undo.Kept == 1 ?><?cs var:Lang.Import.Report.SeeKeptOne ?><?cs else ?><?cs var:Lang.Import.Report.SeeKept ?><?cs /if ?></a><?cs else ?><a class="button primary" href="/admin/customers"><?cs var:Lang.Import.Report.SeeCustomers ?></a><?cs /if ?>
    <?cs if:Page.Import.MayUndo ?><a class="button danger-link" id="undo-link" href="/admin/import/<?cs var:Page.Import.Id ?>/undo"><?cs var:Lang.Import.Undo.Button ?></a><?cs /if ?>
  </div>
  <?cs if:Page.Import.MayUndo ?><p class="muted"><?cs var:Lang.Import.Undo.Help ?></p><?cs /if ?>
  <?cs /if ?>
</section>
<?cs include:"import/errors.cs" ?>
<?cs include:"import/summary.cs" ?>
</div><?cs /def ?>
