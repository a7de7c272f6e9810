<?cs if:subcount(Page.Errors) > 0 ?><section class="card import-errors">
  <h2><?cs var:Lang.Import.Errors.Title ?></h2>
  <ul class="error-rows">
  <?cs each:e = Page.Errors ?><li><span class="error-line"><?cs var:Lang.Import.Errors.Line ?> <?cs var:e.Line ?></span> <span class="error-reason"><?cs var:Lang.Import.Reason[e.Reason] ?><?cs if:e.Column ?>, <?cs var:Lang.Import.Errors.Column ?> <?cs var:Lang.Typo.Open ?><?cs var:e.Column ?><?cs var:Lang.Typo.Close ?><?cs /if ?></span>
    <span class="cells muted"><?cs each:v = e.Cells ?><?cs if:!first(v) ?> · <?cs /if ?><?cs if:v.Refused ?><mark><?cs if:v ?><?cs var:v ?><?cs else ?>—<?cs /if ?></mark><?cs elif:v ?><?cs var:v ?><?cs else ?>—<?cs /if ?><?cs /each ?><?cs if:e.Far ?> · … · <mark><?cs if:e.Value ?><?cs var:e.Value ?><?cs else ?>—<?cs /if ?></mark><?cs /if ?></span></li>
  <?cs /each ?>
  </ul>
  <?cs if:Page.ErrorsMore.Count ?><p id="errors-more"><strong><?cs var:Page.ErrorsMore.Text ?></strong> <?cs call:plural(Page.ErrorsMore.Count, Lang.Import.Errors.MoreOne, Lang.Import.Errors.More) ?></p><?cs /if ?>
  <p><a href="/admin/import/<?cs var:Page.Import.Id ?>/errors.csv" id="errors-csv"><?cs var:Lang.Import.Errors.Download ?></a> <span class="muted"><?cs var:Lang.Import.Errors.DownloadHelp ?></span></p>
</section><?cs /if ?>
