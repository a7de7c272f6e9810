<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Export.Title ?><?cs set:Page.Section = "customers" ?><?cs def:view_words(view) ?><?cs each:v = view ?><span class="view-part"><?cs var:v.Label ?> <?cs var:v.Value ?></span><?cs if:!last(v) ?> · <?cs /if ?><?cs /each ?><?cs /def ?><?cs def:content() ?><div class="export-page">
<p class="crumbs"><a href="<?cs var:Page.Back ?>">← <?cs var:Lang.Export.BackToList ?></a></p>
<div class="page-head"><h1><?cs var:Lang.Export.Title ?></h1></div>
<section class="card" id="export-view">
  <h2><?cs var:Lang.Export.ViewTitle ?></h2>
  <ul class="view-list"><?cs each:v = Page.View ?><li><span class="muted"><?cs var:v.Label ?></span> <?cs var:v.Value ?></li><?cs /each ?></ul>
  <p class="export-count" id="export-count"><?cs if:Page.Count == 0 ?><?cs var:Lang.Export.CountNone ?><?cs else ?><?cs var:Lang.Export.CountBefore ?> <strong><?cs var:Page.CountText ?></strong> <?cs call:plural(Page.Count, Lang.Export.CustomerOne, Lang.Export.CustomerMany) ?>.<?cs /if ?></p>
  <p class="muted"><?cs var:Lang.Export.ChangeView ?></p>
</section>
<section class="card" id="export-download">
  <h2><?cs var:Lang.Export.FileTitle ?></h2>
  <form method="post" action="/admin/export/download" class="form">
    <?cs call:csrf_field() ?>
    <?cs each:f = Page.Filter ?><?cs if:f ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f ?>"><?cs /if ?><?cs /each ?>
    <input type="hidden" name="columns" value="<?cs var:Page.ColumnsText ?>">
    <input type="hidden" name="count" value="<?cs var:Page.Count ?>">
    <p class="export-chosen"><span class="muted"><?cs var:Lang.Export.Chosen ?></span> <?cs each:c = Page.Columns ?><?cs var:c.Header ?><?cs if:!last(c) ?>, <?cs /if ?><?cs /each ?> — <a href="#columns"><?cs var:Lang.Export.ChangeColumns ?></a></p>
    <fieldset class="choices">
      <legend class="visually-hidden"><?cs var:Lang.Export.FormatTitle ?></legend>
      <?cs each:f = Page.Formats ?><label class="check"><input type="radio" name="format" value="<?cs var:f.Name ?>"<?cs if:Page.Format == f.Name ?> checked<?cs /if ?>> <span><strong><?cs var:Lang.Export.Format[f.Key] ?></strong><br><span class="muted"><?cs var:Lang.Export.FormatHelp[f.Key] ?><?cs if:f.Name == "xlsx" && Page.TooManyForXlsx ?> <strong><?cs var:Lang.Export.TooManyForXlsx ?></strong><?cs /if ?></span></span></label><?cs /each ?>
    </fieldset>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Export.Download ?></button></div>
  </form>
</section>
<section class="card" id="columns">
  <h2><?cs var:Lang.Export.ColumnsTitle ?></h2>
  <p class="muted"><?cs var:Lang.Export.ColumnsHelp ?></p>
  <ol class="export-columns">
  <?cs each:c = Page.Columns ?><li>
    <span class="column-name"><?cs var:c.Header ?></span>
    <span class="column-moves">
      <?cs if:c.Up ?><a class="button" href="<?cs var:c.Up ?>#columns" title="<?cs var:Lang.Export.Up ?>" aria-label="<?cs var:Lang.Export.Up ?><?cs var:Lang.Typo.Colon ?> <?cs var:c.Header ?>">↑</a><?cs /if ?>
      <?cs if:c.Down ?><a class="button" href="<?cs var:c.Down ?>#columns" title="<?cs var:Lang.Export.Down ?>" aria-label="<?cs var:Lang.Export.Down ?><?cs var:Lang.Typo.Colon ?> <?cs var:c.Header ?>">↓</a><?cs /if ?>
      <?cs if:c.Remove ?><a class="button" href="<?cs var:c.Remove ?>#columns" aria-label="<?cs var:Lang.Export.Remove ?><?cs var:Lang.Typo.Colon ?> <?cs var:c.Header ?>"><?cs var:Lang.Export.Remove ?></a><?cs /if ?>
    </span>
  </li><?cs /each ?>
  </ol>
  <?cs if:subcount(Page.Others) > 0 ?>
  <h3><?cs var:Lang.Export.OthersTitle ?></h3>
  <ul class="export-others">
  <?cs each:c = Page.Others ?><li><span class="column-name"><?cs var:c.Header ?></span> <a class="button" href="<?cs var:c.Add ?>#columns" aria-label="<?cs var:Lang.Export.Add ?><?cs var:Lang.Typo.Colon ?> <?cs var:c.Header ?>"><?cs var:Lang.Export.Add ?></a></li><?cs /each ?>
  </ul>
  <?cs /if ?>
  <p class="muted"><?cs var:Lang.Export.NoNotes ?></p>
</section>
<?cs if:Page.ShowRecent ?>
<section class="export-history" id="export-history">
  <h2><?cs var:Lang.Export.Recent.Title ?></h2>
  <?cs if:subcount(Page.Recent) == 0 ?><p class="empty"><?cs var:Lang.Export.Recent.None ?></p><?cs else ?>
  <ul class="export-log">
  <?cs each:r = Page.Recent ?><li>
    <p><strong><?cs var:r.When ?></strong> · <?cs var:r.By ?> · <?cs var:Lang.Export.Format[r.Format] ?> · <?cs if:r.Finished ?><?cs var:r.Rows ?> <?cs call:plural(r.RowCount, Lang.Export.CustomerOne, Lang.Export.CustomerMany) ?><?cs else ?><span class="status unfinished"><?cs var:Lang.Export.Recent.Unfinished ?></span><?cs /if ?></p>
    <p class="muted"><?cs if:r.Query ?><?cs var:r.Query ?><?cs else ?><?cs call:view_words(r.View) ?><?cs /if ?></p>
    <p class="muted"><?cs var:Lang.Export.Recent.Columns ?> <?cs var:r.Columns ?></p>
  </li><?cs /each ?>
  </ul>
  <?cs /if ?>
</section>
<?cs /if ?>
</div><?cs /def ?>
