<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Job.Title[Page.Import.Action] ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?><div class="import-page">
<p class="crumbs"><a href="/admin/import">← <?cs var:Lang.Import.Title ?></a></p>
<section class="card job import-job">
  <h1><?cs var:Lang.Import.Job.Title[Page.Import.Action] ?></h1>
  <p class="import-file"><?cs if:Page.Import.Source == "paste" ?><?cs var:Lang.Import.PastedList ?><?cs else ?><?cs var:Page.Import.FileName ?><?cs /if ?> · <?cs var:Page.Import.RowsText ?> <?cs call:plural(Page.Import.Rows, Lang.Import.RowOne, Lang.Import.RowMany) ?></p>
  <?cs if:Page.Import.JobState == "queued" ?>
  <p class="job-state" role="status" id="import-waiting"><strong><?cs if:Page.Import.Ahead.Id ?><?cs var:Lang.Import.Job.WaitsFor ?> <a href="/admin/import/<?cs var:Page.Import.Ahead.Id ?>"><?cs if:Page.Import.Ahead.FileName ?><?cs var:Page.Import.Ahead.FileName ?><?cs else ?><?cs var:Lang.Import.PastedList ?><?cs /if ?></a><?cs else ?><?cs var:Lang.Import.Job.WaitsWorker ?><?cs /if ?></strong></p>
  <p class="muted"><?cs if:Page.Import.Ahead.Id ?><?cs var:Lang.Import.Job.OneAtATime ?><?cs else ?><?cs var:Lang.Import.Job.WorkerHelp ?><?cs /if ?></p>
  <?cs else ?>
  <p class="job-state" role="status"><strong><?cs var:Lang.Import.Job.Running[Page.Import.Action] ?></strong></p>
  <?cs if:Page.Import.JobFailed ?><p class="alert" id="import-failed"><?cs var:Lang.Import.Job.Failed ?></p><?cs /if ?>
  <?cs if:Page.Import.Silent ?><p class="alert" id="import-silent"><?cs var:Lang.Import.Job.Silent ?></p><?cs /if ?>
  <?cs /if ?>
  <?cs if:Page.Import.Total ?>
  <p><label for="import-progress"><?cs var:Page.Import.ProgressText ?> <?cs var:Lang.Import.Of ?> <?cs var:Page.Import.RowsText ?> <?cs call:plural(Page.Import.Rows, Lang.Import.RowOne, Lang.Import.RowMany) ?></label></p>
  <progress id="import-progress" max="<?cs var:Page.Import.Total ?>" value="<?cs var:Page.Import.Progress ?>"><?cs var:Page.Import.Percent ?> %</progress>
  <?cs if:Page.Import.LeftMinutes ?><p id="import-pace"><?cs if:Page.Import.Rate ?><?cs var:Page.Import.Rate ?> <?cs var:Lang.Import.Job.PerSecond ?> · <?cs /if ?><?cs if:Page.Import.LeftMinutes <= 1 ?><?cs var:Lang.Import.Job.LessThanMinute ?><?cs else ?><?cs var:Lang.Import.Job.About ?> <?cs var:Page.Import.LeftMinutes ?> <?cs var:Lang.Import.Job.MinutesLeft ?><?cs /if ?></p><?cs /if ?>
  <?cs /if ?>
  <p class="muted"><?cs var:Lang.Import.Job.Refreshes ?></p>
  <div class="actions">
    <?cs if:Page.Import.MayCancel ?><form method="post" action="/admin/import/<?cs var:Page.Import.Id ?>/cancel">
      <?cs call:csrf_field() ?>
      <button type="submit" class="danger"><?cs var:Lang.Import.Job.Cancel[Page.Import.Action] ?></button>
    </form><?cs /if ?>
    <a class="button" href="/admin/customers"><?cs var:Lang.Import.BackToCustomers ?></a>
  </div>
</section>
</div><?cs /def ?>
