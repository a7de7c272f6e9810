<?cs if:subcount(Page.Errors) > 0 ?><section class="card import-errors">
  <h2><?cs var:Lang.Import.Errors.Title ?></h2>
  <div class="table-wrap"><table class="list compact">
    <thead><tr><th scope="col" class="num"><?cs var:Lang.Import.Errors.Line ?></th><th scope="col"><?cs var:Lang.Import.Errors.Reason ?></th><th scope="col"><?cs var:Lang.Import.Errors.Row ?></th></tr></thead>
    <tbody><?cs each:e = Page.Errors ?><tr><td class="num"><?cs var:e.Line ?></td><td class="reason"><?cs var:Lang.Import.Reason[e.Reason] ?></td><td class="cells"><?cs each:v = e.Cells ?><?cs if:!first(v) ?> · <?cs /if ?><?cs var:v ?><?cs /each ?></td></tr><?cs /each ?></tbody>
  </table></div>
  <p><a href="/admin/import/<?cs var:Page.Import.Id ?>/errors.csv" id="errors-csv"><?cs var:Lang.Import.Errors.Download ?></a> <span class="muted"><?cs var:Lang.Import.Errors.DownloadHelp ?></span></p>
</section><?cs /if ?>
