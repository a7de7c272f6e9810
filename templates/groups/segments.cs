<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Segments.Title ?><?cs set:Page.Section = "segments" ?><?cs
def:segment_count(s) ?><?cs if:s.missing ?><span class="alert-text"><?cs var:Lang.Segments.MissingShort ?></span><?cs else ?><?cs if:s.more ?><?cs var:Lang.Customers.MoreThan ?> <?cs /if ?><?cs var:s.count ?> <?cs call:plural(s.number, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?><?cs /if ?><?cs
/def ?><?cs
def:segment_links(s, open) ?><a href="<?cs var:open ?>"><?cs var:Lang.Segments.Open ?></a><?cs if:Page.MayExport ?> · <a href="/admin/export?<?cs var:s.view ?>"><?cs var:Lang.Segments.Export ?></a><?cs /if ?><?cs if:Admin.IsOwner == "1" ?> · <a href="/admin/segments/mail?target=segment:<?cs var:url_escape(s.id) ?>"><?cs var:Lang.Segments.Mail ?></a><?cs /if ?><?cs
/def ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Segments.Title ?></h1>
  <a class="button" href="/admin/customers"><?cs var:Lang.Segments.ToList ?></a>
</div>
<p><?cs var:Lang.Segments.Intro ?></p>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<h2><?cs var:Lang.Segments.BuiltinTitle ?></h2>
<ul class="segments">
<?cs each:s = Page.Builtins ?>
  <li class="segment" id="segment-<?cs var:s.id ?>"><strong class="segment-name"><?cs var:s.name ?></strong> <span class="segment-count"><?cs call:segment_count(s) ?></span>
    <span class="sub"><?cs var:s.about ?></span>
    <span class="segment-links"><?cs call:segment_links(s, "/admin/segments/" + s.id) ?></span></li>
<?cs /each ?>
</ul>
<h2><?cs var:Lang.Segments.SavedTitle ?></h2>
<?cs if:Page.Count == 0 ?>
<p class="empty"><?cs var:Lang.Segments.None ?></p>
<?cs else ?>
<ul class="segments">
<?cs each:s = Page.Segments ?>
  <li class="segment" id="segment-<?cs var:s.id ?>"><strong class="segment-name"><?cs var:s.name ?></strong> <span class="segment-count"><?cs call:segment_count(s) ?></span>
    <?cs if:s.missing ?><span class="sub"><?cs var:Lang.Segments.Missing ?></span><?cs else ?><span class="sub segment-words"><?cs each:w = s.Words ?><?cs var:w.Label ?> <?cs var:w.Value ?><?cs if:!last(w) ?> · <?cs /if ?><?cs /each ?></span><?cs /if ?>
    <span class="segment-links"><?cs call:segment_links(s, "/admin/segments/" + s.id) ?></span>
    <details class="segment-edit"><summary><?cs var:Lang.Segments.Change ?></summary>
      <form method="post" action="/admin/segments/<?cs var:s.id ?>/rename" class="inline-form">
        <?cs call:csrf_field() ?>
        <label><?cs var:Lang.Segments.NewName ?> <input type="text" name="name" required maxlength="100" value="<?cs var:s.name ?>"></label>
        <button type="submit"><?cs var:Lang.Segments.Rename ?></button>
      </form>
      <form method="post" action="/admin/segments/<?cs var:s.id ?>/delete" class="inline-form">
        <?cs call:csrf_field() ?>
        <button type="submit" class="danger"><?cs var:Lang.Segments.Delete ?></button>
      </form>
    </details></li>
<?cs /each ?>
</ul>
<?cs /if ?>
<p class="sub"><?cs var:Lang.Segments.HowToSave ?></p>
<?cs /def ?>
