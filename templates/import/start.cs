<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Import.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?><div class="import-page">
<p class="crumbs"><a href="/admin/customers">← <?cs var:Lang.Import.BackToCustomers ?></a></p>
<div class="page-head"><h1><?cs var:Lang.Import.Title ?></h1></div>
<?cs if:Page.Message ?><p class="alert" role="alert" id="import-message"><?cs var:Page.Message ?></p><?cs /if ?>
<div class="import-ways">
<section class="card">
  <h2><?cs var:Lang.Import.Start.FileTitle ?></h2>
  <p class="muted"><?cs var:Lang.Import.Start.FileHelp ?></p>
  <form method="post" action="/admin/import/upload" enctype="multipart/form-data" class="form">
    <?cs call:csrf_field() ?>
    <label for="import-file"><?cs var:Lang.Import.Start.FileLabel ?></label>
    <input id="import-file" name="file" type="file" accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
    <p class="muted"><?cs var:Lang.Import.Start.MaxSize ?> <?cs var:Page.MaxUpload ?> <?cs var:Lang.Import.Start.Megabytes ?></p>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Import.Start.Send ?></button></div>
  </form>
  <p><a href="/admin/import/sample.csv" download><?cs var:Lang.Import.Start.Sample ?></a> <span class="muted"><?cs var:Lang.Import.Start.SampleHelp ?></span></p>
</section>
<section class="card">
  <h2><?cs var:Lang.Import.Start.PasteTitle ?></h2>
  <form method="post" action="/admin/import/paste" enctype="multipart/form-data" class="form">
    <?cs call:csrf_field() ?>
    <label for="import-text"><?cs var:Lang.Import.Start.PasteLabel ?></label>
    <textarea id="import-text" name="text" rows="7" placeholder="elodie.martin@exemple.fr, &quot;Martin, Paul&quot; &lt;paul@exemple.fr&gt;"></textarea>
    <p class="muted"><?cs var:Lang.Import.Start.PasteHelp ?></p>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Import.Start.PasteSend ?></button></div>
  </form>
</section>
</div>
<section class="import-history">
  <h2><?cs var:Lang.Import.History.Title ?></h2>
  <?cs if:subcount(Page.History) == 0 ?><p class="empty"><?cs var:Lang.Import.History.None ?></p><?cs else ?>
  <div class="table-wrap"><table class="list compact">
    <thead><tr><th scope="col"><?cs var:Lang.Import.History.When ?></th><th scope="col"><?cs var:Lang.Import.History.File ?></th><th scope="col" class="hide-narrow"><?cs var:Lang.Import.History.By ?></th><th scope="col" class="num hide-narrow"><?cs var:Lang.Import.History.Rows ?></th><th scope="col" class="num hide-narrow"><?cs var:Lang.Import.History.New ?></th><th scope="col" class="num hide-narrow"><?cs var:Lang.Import.History.Updated ?></th><th scope="col" class="num hide-narrow"><?cs var:Lang.Import.History.Invalid ?></th><th scope="col"><?cs var:Lang.Import.History.State ?></th></tr></thead>
    <tbody>
    <?cs each:i = Page.History ?><tr>
      <td class="nowrap"><a href="/admin/import/<?cs var:i.Id ?>"><?cs var:i.When ?></a></td>
      <td><a href="/admin/import/<?cs var:i.Id ?>"><?cs if:i.Source == "paste" ?><?cs var:Lang.Import.PastedList ?><?cs else ?><?cs var:i.FileName ?><?cs /if ?></a></td>
      <td class="hide-narrow"><?cs var:i.By ?></td>
      <td class="num hide-narrow"><?cs var:i.Rows ?></td>
      <td class="num hide-narrow"><?cs var:i.New ?></td>
      <td class="num hide-narrow"><?cs var:i.Updated ?></td>
      <td class="num hide-narrow"><?cs var:i.Invalid ?></td>
      <td><span class="status import-<?cs var:i.State ?>"><?cs var:Lang.Import.State[i.State] ?></span></td>
    </tr><?cs /each ?>
    </tbody>
  </table></div>
  <?cs /if ?>
</section>
</div><?cs /def ?>
