<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.Jobs.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers">← <?cs var:Lang.Customers.Back ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Customers.Jobs.Title ?></h1>
  <?cs if:subcount(Page.Jobs) == 0 ?>
  <p class="empty"><?cs var:Lang.Customers.Jobs.None ?></p>
  <?cs else ?>
  <p class="muted"><?cs var:Lang.Customers.Jobs.Intro ?></p>
  <div class="table-wrap">
  <table class="list jobs">
    <thead><tr><th scope="col"><?cs var:Lang.Customers.Job.Started ?></th><th scope="col"><?cs var:Lang.Customers.Jobs.Action ?></th><th scope="col"><?cs var:Lang.Customers.Jobs.Customers ?></th><th scope="col"><?cs var:Lang.Customers.Jobs.State ?></th><th scope="col"><?cs var:Lang.Customers.Jobs.By ?></th></tr></thead>
    <tbody>
    <?cs each:j = Page.Jobs ?>
    <tr><td class="nowrap"><a href="/admin/customers/jobs/<?cs var:j.Id ?>"><?cs var:j.Created ?></a></td><td data-label="<?cs var:Lang.Customers.Jobs.Action ?>"><?cs if:j.Target ?><?cs var:Lang.Groups.Bulk.Do[j.Action] ?> <?cs var:Lang.Typo.Open ?><?cs var:j.Target ?><?cs var:Lang.Typo.Close ?><?cs else ?><?cs var:Lang.Customers.Bulk.Do[j.Action] ?><?cs /if ?></td><td class="nowrap" data-label="<?cs var:Lang.Customers.Jobs.Customers ?>"><?cs var:j.ChangedText ?> <?cs var:Lang.Customers.Of ?> <?cs var:j.CountText ?></td><td data-label="<?cs var:Lang.Customers.Jobs.State ?>"><span class="job-state job-<?cs var:j.State ?>"><?cs if:j.State == "paused" ?><?cs var:Lang.Customers.Jobs.Paused ?><?cs else ?><?cs var:Lang.Customers.Job.State[j.State] ?><?cs /if ?></span></td><td class="email" data-label="<?cs var:Lang.Customers.Jobs.By ?>"><?cs if:j.By ?><?cs var:j.By ?><?cs else ?><span class="muted"><?cs var:Lang.Customers.Jobs.Gone ?></span><?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  <?cs if:Page.Older ?><p class="muted"><?cs var:Lang.Customers.Jobs.Older ?></p><?cs /if ?>
  <?cs /if ?>
</section>
<?cs /def ?>
