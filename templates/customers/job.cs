<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.Job.Title ?><?cs set:Page.Section = "customers" ?><?cs def:target() ?><?cs var:Lang.Typo.Open ?><?cs var:Page.Job.Target ?><?cs var:Lang.Typo.Close ?><?cs /def ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers?<?cs var:Page.Filters ?>">← <?cs var:Lang.Customers.Back ?></a> · <a href="/admin/customers/jobs"><?cs var:Lang.Customers.Jobs.Title ?></a></p>
<section class="card narrow job">
  <h1><?cs var:Lang.Customers.Job.Title ?><?cs var:Lang.Typo.Colon ?> <?cs if:Page.Job.Target ?><?cs var:Lang.Groups.Bulk.Do[Page.Job.Action] ?> <?cs call:target() ?><?cs else ?><?cs var:Lang.Customers.Bulk.Do[Page.Job.Action] ?><?cs /if ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <p class="job-state job-<?cs var:Page.Job.State ?>" role="status"><strong><?cs if:Page.Job.State == "queued" && Page.Job.Progress > 0 ?><?cs var:Lang.Customers.Job.Paused ?><?cs else ?><?cs var:Lang.Customers.Job.State[Page.Job.State] ?><?cs /if ?></strong></p>
  <?cs if:Page.Job.Reason ?><p><?cs var:Lang.Customers.Reason ?><?cs var:Lang.Typo.Colon ?> <?cs var:Page.Job.Reason ?></p><?cs /if ?>
  <?cs if:Page.Job.State == "queued" || Page.Job.State == "running" ?>
  <p><label for="job-progress"><?cs var:Page.Job.ProgressText ?> <?cs var:Lang.Customers.Of ?> <?cs var:Page.Job.TotalText ?> <?cs call:plural(Page.Job.Total, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?></label></p>
  <progress id="job-progress" max="<?cs var:Page.Job.Total ?>" value="<?cs var:Page.Job.Progress ?>"><?cs var:Page.Job.Percent ?> %</progress>
  <p class="muted"><?cs var:Lang.Customers.Job.Refreshes ?></p>
  <?cs else ?>
  <?cs if:Page.Job.State == "failed" ?><p class="alert"><?cs if:Lang.Customers.Job.Failure[Page.Job.Error] ?><?cs var:Lang.Customers.Job.Failure[Page.Job.Error] ?><?cs else ?><?cs var:Lang.Customers.Job.Failure.error ?><?cs /if ?></p><?cs /if ?>
  <?cs if:Page.Job.State == "cancelled" ?><p><?cs var:Lang.Customers.Job.CancelledNote ?></p><?cs /if ?>
  <ul class="job-counts">
    <li><?cs if:Page.Job.Target ?><?cs var:Lang.Customers.Job.Grouping.What[Page.Job.Action] ?> <?cs call:target() ?> <?cs var:Lang.Customers.Job.Grouping.Done[Page.Job.Action] ?><?cs else ?><?cs var:Lang.Customers.Bulk.Done[Page.Job.Action] ?><?cs /if ?> <strong><?cs var:Page.Job.ChangedText ?></strong> <?cs call:plural(Page.Job.Changed, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?></li>
    <?cs if:Page.Job.Left > 0 ?><li class="muted"><?cs var:Page.Job.LeftText ?> <?cs call:plural(Page.Job.Left, Lang.Customers.Bulk.LeftOne, Lang.Customers.Bulk.LeftMany) ?></li><?cs /if ?>
  </ul>
  <?cs /if ?>
  <dl class="job-facts">
    <dt><?cs var:Lang.Customers.Job.Started ?></dt><dd><?cs var:Page.Job.Created ?><?cs if:Page.Job.By ?> · <?cs var:Page.Job.By ?><?cs /if ?></dd>
    <?cs if:Page.Job.Finished ?><dt><?cs var:Lang.Customers.Job.Ended ?></dt><dd><?cs var:Page.Job.Finished ?></dd><?cs /if ?>
    <dt><?cs var:Lang.Customers.Job.Confirmed ?></dt><dd><?cs var:Page.Job.CountText ?> <?cs call:plural(Page.Job.Count, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?></dd>
  </dl>
  <div class="actions">
    <?cs if:Page.Job.MayCancel ?><form method="post" action="/admin/customers/jobs/<?cs var:Page.Job.Id ?>/cancel">
      <?cs call:csrf_field() ?>
      <button type="submit" class="danger"><?cs var:Lang.Customers.Job.Cancel ?></button>
    </form><?cs /if ?>
    <a class="button<?cs if:!Page.Refresh ?> primary<?cs /if ?>" href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a>
  </div>
</section>
<?cs /def ?>
