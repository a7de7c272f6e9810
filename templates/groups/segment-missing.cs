<?cs include:"macros.cs" ?><?cs set:Page.Title = Page.Segment.name ?><?cs set:Page.Section = "segments" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Page.Segment.name ?></h1>
</div>
<p class="alert" role="alert"><?cs var:Lang.Segments.Missing ?></p>
<p><a class="button primary" href="/admin/customers?<?cs var:Page.Segment.cleaned ?>"><?cs var:Lang.Segments.OpenLeft ?></a>
<a href="/admin/segments"><?cs var:Lang.Segments.Back ?></a></p>
<?cs /def ?>
